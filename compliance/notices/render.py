"""A notice as a PDF: its own Jinja2 environment over templates/notice, WeasyPrint with the
dossier's fonts (Noto Sans CJK SC through fontconfig) and no URL fetched at all."""

import re
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from compliance.config import PROJECT_ROOT
from compliance.notices.facts import NoticeFacts

TEMPLATE_DIR = PROJECT_ROOT / "templates" / "notice"
ENV = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    auto_reload=False,
)
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


class FetchRefused(ValueError):
    """A notice loads nothing: its text is escaped, and any URL in it fails the print."""


def _refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise FetchRefused(f"a notice loads no URL: {url[:80]!r}")


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    text = (TEMPLATE_DIR / "notice.css").read_text(encoding="utf-8")
    return CSS(string=text, url_fetcher=_refuse, font_config=_fonts())


def blocks(text: str, title: str) -> list[tuple[str, str]]:
    """The text as (style, line): the office and title lines at the top as a letterhead,
    section headings (一、…) bold, the rest as paragraphs; blank lines as space."""
    out: list[tuple[str, str]] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i < 3 and line.strip() == title:
            out.append(("title", line.strip()))
        elif i == 0 and len(lines) > 1 and lines[1].strip() == title:
            out.append(("office", line.strip()))
        elif _HEADING.match(line):
            out.append(("heading", line))
        elif not line.strip():
            out.append(("gap", ""))
        else:
            out.append(("line", line))
    return out


def notice_html(title: str, facts: NoticeFacts, text: str) -> str:
    """The notice as HTML (escaped, strict)."""
    return ENV.get_template("notice.html").render(title=title, f=facts, blocks=blocks(text, title))


def render_notice(title: str, facts: NoticeFacts, text: str) -> bytes:
    """The notice PDF."""
    doc = HTML(string=notice_html(title, facts, text), base_url=None, url_fetcher=_refuse)
    data: bytes = doc.write_pdf(stylesheets=[_stylesheet()], font_config=_fonts())
    return data
