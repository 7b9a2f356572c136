"""Service-level agreements: business-time arithmetic for due dates."""
