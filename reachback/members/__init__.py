"""The member directory and the profiles members edit themselves."""
