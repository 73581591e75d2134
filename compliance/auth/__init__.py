"""Sign-in: passwords, server-side sessions, personal API tokens, sign-in throttling."""
