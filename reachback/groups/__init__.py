"""Sub-groups: themed groups with their own facilitators, members and queries (issue 21)."""
