"""Deterministic demo office and benchmark data."""
