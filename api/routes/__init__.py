"""The JSON API under /api: bearer tokens, problem+json errors."""
