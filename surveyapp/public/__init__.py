"""Public results pages ("công khai", issue 14): `/public/<unit>` for units an administrator
published, no sign-in, Vietnamese first; the blueprint is in `routes.py`."""
