"""Money is integer fen. Parsing and formatting happen only at the edges."""

import re

# Above these a figure is a typing error, not a real amount (¥1,000,000 per entry).
ABSURD_FEN = 100_000_000

_YUAN = re.compile(r"^\s*¥?\s*(\d{1,12}(?:,\d{3})*|\d+)(?:\.(\d{1,2}))?\s*$")


def parse_yuan(text: str) -> int:
    """Parse '1,234.5' or '¥12' into fen; raise ValueError on anything else."""
    m = _YUAN.match(text)
    if not m:
        raise ValueError(f"not an amount in yuan with at most 2 decimals: {text!r}")
    whole = int(m.group(1).replace(",", ""))
    frac = (m.group(2) or "").ljust(2, "0")
    return whole * 100 + int(frac or "0")


def check_fen(value: object, *, allow_zero: bool = False, maximum: int = ABSURD_FEN) -> int:
    """Return value if it is a sane integer fen amount, else raise ValueError with the reason."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number of fen (integer), not a fraction")
    if value < 0:
        raise ValueError("must not be negative")
    if value == 0 and not allow_zero:
        raise ValueError("must be more than zero")
    if value > maximum:
        raise ValueError(f"is implausibly large (more than {format_fen(maximum)})")
    return value


def format_fen(fen: int) -> str:
    """Format fen as '¥1,234.50' (negative as '-¥1.00')."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"
