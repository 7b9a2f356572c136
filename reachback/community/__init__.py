"""The community around the queries: the events calendar (with its iCalendar feeds) and the
blackboard of notices."""
