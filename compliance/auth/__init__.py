"""`python -m compliance.auth set-password USER`: the server-shell password command (see accounts)."""
