"""The citizen's questionnaire, reached by a counter's QR code or a slip's one-time token."""
