"""Administrators' pages of alerts (issue 14): subscriptions, webhooks, rules (/admin/alerts)
and the log of deliveries (/admin/alerts/deliveries). The commands are in surveyapp/cli/alerts.py."""
