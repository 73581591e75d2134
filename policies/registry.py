"""The rulebook: an explicit tuple of every rule, lookups, and a digest of the whole set."""

from policies.base import ChecklistItem, Policy
from policies.canonical import digest
from policies.conduct import (
    r01_attitude,
    r02_attendance,
    r03_knocking,
    r04_service_quality,
    r05_facilities,
    r06_outsiders,
    r07_privacy,
    r08_lingering,
    r09_overtime,
    r10_incompetence,
    r11_damage,
    r12_tips,
    r13_solicitation_theft,
)

RULES: tuple[Policy, ...] = (
    r01_attitude.POLICY,
    r02_attendance.POLICY,
    r03_knocking.POLICY,
    r04_service_quality.POLICY,
    r05_facilities.POLICY,
    r06_outsiders.POLICY,
    r07_privacy.POLICY,
    r08_lingering.POLICY,
    r09_overtime.POLICY,
    r10_incompetence.POLICY,
    r11_damage.POLICY,
    r12_tips.POLICY,
    r13_solicitation_theft.POLICY,
)

_BY_CODE = {rule.code: rule for rule in RULES}
_ITEMS = {item.key: (rule, item) for rule in RULES for item in rule.checklist}

# Two rules with one code, or two items with one key, would make lookups ambiguous.
if len(_BY_CODE) != len(RULES) or len(_ITEMS) != sum(len(r.checklist) for r in RULES):
    raise RuntimeError("rule codes and checklist item keys must be unique")


def get(code: str) -> Policy:
    """Return the rule with this code, e.g. 'R03'; KeyError if there is none."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"no rule {code!r} in the rulebook (known: {', '.join(_BY_CODE)})") from None


def checklist_items() -> tuple[ChecklistItem, ...]:
    """Every spot-check item of every rule, in rule order."""
    return tuple(item for rule in RULES for item in rule.checklist)


def find_item(key: str) -> tuple[Policy, ChecklistItem]:
    """Return the rule and checklist item for an item key; KeyError if unknown."""
    try:
        return _ITEMS[key]
    except KeyError:
        raise KeyError(f"no checklist item {key!r} in the rulebook") from None


def ruleset_digest() -> str:
    """SHA-256 over every rule's code, version, dates, texts and parameter defaults."""
    return digest(
        [
            {
                "code": rule.code,
                "version": rule.version,
                "effective_from": rule.effective_from,
                "text_zh": rule.text_zh,
                "text_en": rule.text_en,
                "params": {p.name: p.default for p in rule.parameters},
            }
            for rule in RULES
        ]
    )
