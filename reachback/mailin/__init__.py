"""Mail in: replies by e-mail (signed Reply-To tokens), new queries by mail, bounces, and the
IMAP polling job. Every business rule is the services' (queries, files): this package only
reads messages and calls them."""
