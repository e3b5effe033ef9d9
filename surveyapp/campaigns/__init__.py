"""Administrators' pages of ad-hoc survey campaigns (issue 16): /admin/campaigns/..."""
