"""Operator work: backups, demo data, imports of responses and volumes."""
