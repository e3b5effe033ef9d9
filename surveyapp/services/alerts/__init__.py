"""Alerts (issue 14): subscriptions, webhooks, rules, what is detected and how it is delivered."""
