"""Synthesis: consolidated responses, their revisions, and publishing."""
