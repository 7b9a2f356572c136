"""Uploaded files: the attachments of queries, messages, contributions and library documents."""
