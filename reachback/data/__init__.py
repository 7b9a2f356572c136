"""Static seed data: theme taxonomy and demo content (demo/*.yaml, read by demo_loader)."""
