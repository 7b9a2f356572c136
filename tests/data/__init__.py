"""Test data sets kept as Python data."""
