"""The security suite: sessions, passwords, access control, injection, headers, audit, backups."""
