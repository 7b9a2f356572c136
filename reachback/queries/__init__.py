"""Queries: submission, triage, assignments, contributions, messages, events and the state machine."""
