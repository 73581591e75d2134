"""The Chinese catalog covers every message the pages, the API layer and the domain show."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.i18n import LABELS, Translator, catalog

ROOT = Path(__file__).resolve().parents[2]


def _msgids() -> set[str]:
    found: set[str] = set()
    for folder in ("api", "compliance", "templates"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python"), ("**.html", "jinja2")],
            keywords={
                "_": None,
                "gettext": None,
                "N_": None,
                "NP_": ((1, "c"), 2),
                "ngettext": (1, 2),
                "pgettext": ((1, "c"), 2),
            },
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_has_a_chinese_translation() -> None:
    ids = _msgids()
    assert len(ids) > 50  # the extraction itself works
    zh = catalog("zh")
    untranslated = sorted(m for m in ids if zh.gettext(m) == m)
    assert not untranslated


def test_the_translators_template_lists_every_message() -> None:
    # messages.pot is what a translator starts from: regenerate it
    # (compliance/translations/babel.cfg) when messages change.
    with (ROOT / "compliance" / "translations" / "messages.pot").open("rb") as f:
        template = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(f) if m.id}
    assert template == _msgids()


def test_every_label_is_translated() -> None:
    t = Translator("zh")
    missing = [(k, v) for k, labels in LABELS.items() for v in labels if t.label(k, v) == labels[v]]
    assert not missing


def test_english_is_the_source_language() -> None:
    assert Translator("en")("Sign in") == "Sign in"
    assert Translator("zh")("Sign in") == "登录"
    assert Translator("zh").ngettext("%(num)s open finding", "%(num)s open findings", 2) == (
        "2 条待处理线索"
    )
