"""Units, counters and procedures: look-ups, CSV imports and single-record edits."""
