"""Plumbing that knows no domain: mail, PDF, uploads, rate limits, the workflow engine,
codes, formatting and the page cache. Nothing here imports a domain app."""
