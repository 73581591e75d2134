"""Accounts: users and their roles, sign-in (passwords, sessions, API tokens, throttling)."""
