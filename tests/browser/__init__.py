"""Browser tests: the real UI in Debian's Chromium (see conftest.py)."""
