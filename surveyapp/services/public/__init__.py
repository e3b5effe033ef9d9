"""Public results ("công khai", issue 14): which units are published, and what their pages show."""
