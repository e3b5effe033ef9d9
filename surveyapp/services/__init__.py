"""Service functions: what route handlers and CLI commands call. SQL lives here, not in routes."""
