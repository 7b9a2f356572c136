"""Accounts: users, roles, organisations, themes, API tokens and signing in."""
