"""The monthly newsletter: drafted from a month's publications, edited, sent to every member
who has not opted out through the e-mail outbox, archived at /newsletters and searchable."""
