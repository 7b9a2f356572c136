"""Routing: ranking the experts best placed to answer a query."""
