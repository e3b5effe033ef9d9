"""Management pages: units (tree), counters, procedures, and CSV imports."""
