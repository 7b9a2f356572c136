"""Notifications: in-app notices now; the e-mail outbox and digests later."""
