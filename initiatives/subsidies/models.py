"""Subsidy schemes, applications, decisions and reports (see the subsidy issue)."""
