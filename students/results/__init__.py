"""Yearly academic results from the education department's export: read the file,
match its rows to the registry, preview, then write them in one transaction."""
