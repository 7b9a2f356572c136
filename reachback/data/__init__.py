"""Static seed data: theme taxonomy and demo content."""
