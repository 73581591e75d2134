"""One vocabulary: a stored code's name is a msgid of compliance.names, its Chinese is in the
catalog alone, and no module keeps a Chinese copy of those words (the rulebook's own texts stay
in policies/)."""

import ast
from pathlib import Path

import pytest

from compliance.i18n import gettext
from compliance.names import NAMES, name

ROOT = Path(__file__).resolve().parents[2]
# Tables of Chinese words that are not names of stored codes yet (their own wording).
NOT_YET: frozenset[str] = frozenset()


def _zh(kind: str) -> set[str]:
    return {gettext("zh", msgid) for msgid in NAMES[kind].values()}


def _sources() -> list[Path]:
    return sorted(p for folder in ("compliance", "api") for p in (ROOT / folder).rglob("*.py"))


def _strings(node: ast.AST) -> list[str]:
    return [
        n.value.strip()
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


@pytest.mark.parametrize("kind", sorted(NAMES))
def test_every_name_has_a_chinese_translation(kind: str) -> None:
    for code, msgid in NAMES[kind].items():
        assert gettext("zh", msgid) != msgid, f"{kind} {code!r}: {msgid!r} is not translated"
        assert name(kind, code, "en") == msgid
    assert name(kind, "brand_new_code", "zh") == "brand_new_code"


def test_no_case_state_is_named_outside_the_catalog() -> None:
    states = _zh("status")
    found = [
        f"{path.relative_to(ROOT)}: {text}"
        for path in _sources()
        for text in _strings(ast.parse(path.read_text(encoding="utf-8")))
        if text in states
    ]
    assert not found


def test_no_module_keeps_a_table_of_the_catalogs_words() -> None:
    words = set().union(*(_zh(kind) for kind in NAMES))
    found = []
    for path in _sources():
        rel = str(path.relative_to(ROOT))
        if rel in NOT_YET:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                named = [v for v in node.values if v is not None and _strings(v)]
                hits = [s for v in named for s in _strings(v) if s in words]
                if len(hits) >= 2:
                    found.append(f"{rel}:{node.lineno}: {hits}")
    assert not found


ERRORS = {
    "ComplianceError",
    "NotFound",
    "Forbidden",
    "Conflict",
    "InvalidTransition",
    "GuardrailViolation",
    "StorageUnavailable",
}


def _error_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in _sources():
        rel = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called in ERRORS or (called == "__init__" and node.args):
                calls.append((f"{rel}:{node.lineno}", node))
    return calls


def test_no_error_carries_its_own_chinese() -> None:
    # An error's Chinese is the catalog's msgstr of its English msgid, nowhere else.
    found = [where for where, call in _error_calls() if any(k.arg == "zh" for k in call.keywords)]
    assert not found


def test_an_error_with_values_is_a_marked_msgid() -> None:
    # A message with %(name)s placeholders is extracted (N_) so the catalog can translate it.
    found = [
        where
        for where, call in _error_calls()
        if call.args and isinstance(call.args[0], ast.Constant) and "%(" in str(call.args[0].value)
    ]
    assert not found


def test_an_error_reads_in_the_readers_language() -> None:
    from compliance.errors import Conflict
    from compliance.i18n import N_
    from compliance.names import coded

    err = Conflict(
        N_("finding %(id)s was already triaged; it is now %(now)s"),
        id=7,
        now=coded("finding_triage", "dismissed"),
    )
    assert str(err) == "finding 7 was already triaged; it is now dismissed"
    assert err.text("en") == str(err)
    assert err.text("zh") == f"该线索已被处理，现为：{name('finding_triage', 'dismissed', 'zh')}"
    plain = Conflict("a message the catalog does not know")
    assert plain.text("zh") == plain.text("en") == "a message the catalog does not know"
