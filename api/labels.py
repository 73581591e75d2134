"""Parameter units and the label helper of the templates (translated at render)."""

from collections.abc import Callable

from api.i18n import N_, Translator
from compliance.money import format_fen

# The units of rule parameters (policies: Parameter.unit) in the page's language. Money is
# stored in fen but typed and shown in yuan; a count has no unit (its description says what
# is counted, and no one word fits both reports and households).
UNITS: dict[str, str] = {
    "s": N_("s"),
    "min": N_("min"),
    "h": N_("h"),
    "days": N_("days"),
    "fen": N_("yuan"),
    "count": "",
}


def unit_name(t: Translator, unit: str) -> str:
    """The unit as a form label shows it ('分钟', '元'); '' for a count."""
    name = UNITS.get(unit, unit)
    return t(name) if name else ""


def quantity(t: Translator, value: int, unit: str) -> str:
    """A parameter's value with its unit: '15 分钟', '¥2,000.00', or a bare count."""
    if unit == "fen":
        return format_fen(value)
    name = unit_name(t, unit)
    return f"{value} {name}" if name else str(value)


def field_value(value: int, unit: str) -> str:
    """A parameter's value as its form field starts out: money in yuan ('2000.00')."""
    return f"{value // 100}.{value % 100:02d}" if unit == "fen" else str(value)


def labeller(t: Translator) -> Callable[[str, str], str]:
    """`label(kind, code)` for templates: the translated display name, else the code."""
    return t.label
