"""`python -m compliance.auth set-password USER`: the shell password command (see accounts)."""
