"""Administration: accounts, roles and expertise."""
