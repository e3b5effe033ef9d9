"""The citizen's path: survey links, submissions, one-time tokens, QR codes, the public rate limit,
stored questionnaires."""
