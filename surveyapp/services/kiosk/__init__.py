"""Counter tablets: pairing and device credentials, and the intake of queued responses."""
