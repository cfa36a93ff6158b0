"""Hostile-input tests, one module per part of the package, grouped by threat."""
