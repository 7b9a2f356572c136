"""Knowledge base: library documents, the search index and search views."""
