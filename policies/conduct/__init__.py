"""The 13 conduct rules of seed article 1, one module each."""

from datetime import date

# Version 1 of every rule: the rulebook as published to staff before it took effect.
EFFECTIVE_FROM = date(2024, 1, 1)
PUBLISHED_ON = date(2023, 12, 15)
