"""Thematic e-discussions (issue 21): a facilitator frames a 4-6 week discussion with weekly
guiding questions, its audience (the community or one group) posts and replies, and the
discussion closes with a summary published to the library as kind `discussion`."""
