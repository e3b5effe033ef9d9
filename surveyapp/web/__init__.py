"""Site-wide pages: home, health, language switch."""
