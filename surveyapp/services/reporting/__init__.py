"""Reports: the aggregates kept with every response, per-unit targets, report assembly and the dashboard's lookups."""
