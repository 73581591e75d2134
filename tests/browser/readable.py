"""What every page a person sees must pass: no sideways scroll, no raw code, no stray English.

`assert_readable(page, lang)` reads the rendered page as a person would (the visible text,
the page title, form placeholders, button and image labels) and fails on:

- a page wider than the screen (a wide table may scroll inside its own box);
- a stored code: a snake_case word (``left_promptly``, ``written_warning``,
  ``signback_grace_minutes``), a ``key: value`` pair of codes, or a Python/JSON repr;
- in the Chinese UI, any English word at all, apart from the short list of names that
  are the same in Chinese offices (PDF, CSV, XLSX, QR, API…), rule codes (R04), case
  numbers (BSW-2026-0012), sign-in names and hash digests.

Journey tests call it on every page they open, at phone and desktop size, in both languages.
"""

import re
from collections.abc import Iterable

from playwright.sync_api import Page

# Words a Chinese office uses as they are.
ALLOWED_WORDS = frozenset(
    {
        "PDF",
        "CSV",
        "XLSX",
        "Excel",
        "JPEG",
        "PNG",
        "WebP",
        "QR",
        "API",
        "JSON",
        "ID",
        "SHA",
        "SHA-256",
        "English",  # the language switch names each language in itself
        "HR",
        "OK",
        "Wi-Fi",
        "App",
        "AM",
        "PM",
        "kg",
        "cm",
        "mm",
        "m",
        "km",
        "h",
        "min",
        "s",
        "KB",
        "MB",
        "GB",
        "No",
    }
)
# Shapes that are data, not words: rule codes, case/notice numbers, digests, file names.
_DATA = re.compile(
    r"""^(
        R\d{2}[a-z]?                      # a rule code
      | [A-Z]{2,6}(-[A-Z0-9]+)+           # a case or notice number (BSW-2026-0012)
      | [0-9a-f]{8,}                      # a digest or a short hash
      | [A-Za-z0-9_.-]+\.(pdf|csv|xlsx|jpg|jpeg|png|txt|docx?)  # a file name
      | [a-z0-9]+(-[a-z0-9]+)+            # a sign-in name (bsw-manager)
      | v\d+                              # a version tag
      | [A-Z]\d*                          # a building or column letter (A, B2)
    )$""",
    re.VERBOSE,
)
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_REPR = re.compile(r"(\{'|'\}|\[\]|None\b|True\b|False\b|<[A-Za-z]+\.[A-Za-z_]+:|Traceback)")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.@-]*")

_TEXT_JS = """() => {
  const out = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[placeholder],[title],[aria-label],img[alt]')) {
    if (el.closest('[hidden]')) continue;
    for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
      const v = el.getAttribute(a); if (v) out.push(v);
    }
  }
  for (const el of document.querySelectorAll('input[type=submit],input[type=button]')) {
    out.push(el.value);
  }
  return out.join('\\n');
}"""


def page_text(page: Page) -> str:
    """The text a person reads on the page (visible text, title, labels, placeholders)."""
    # A click that posts a form may still be loading the next page: read it once it is there.
    page.wait_for_load_state()
    for _ in range(50):
        text = page.evaluate(f"document.body ? ({_TEXT_JS})() : null")
        if text is not None:
            return str(text)
        page.wait_for_timeout(100)
    raise AssertionError(f"{page.url}: the page has no body")


def problems(text: str, lang: str, allow: Iterable[str] = ()) -> list[str]:
    """What in `text` a person should not have to read, in the UI language `lang`."""
    allowed = ALLOWED_WORDS | set(allow)
    found: list[str] = []
    for code in _SNAKE.findall(text):
        if code not in allowed:
            found.append(f"raw code {code!r}")
    for rep in _REPR.findall(text):
        found.append(f"program text {rep!r}")
    if lang == "zh":
        for raw in _WORD.findall(text):
            word = raw.strip(".-@")
            if not word or word in allowed or _DATA.match(word) or _SNAKE.fullmatch(word):
                continue
            if any(word.startswith(a) and not word[len(a) :].isalpha() for a in allowed):
                continue
            found.append(f"English word {word!r}")
    return sorted(set(found))


def fits(page: Page) -> bool:
    """Nothing makes the page scroll sideways (wide tables scroll in their own box)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def assert_readable(page: Page, lang: str = "zh", allow: Iterable[str] = ()) -> None:
    """Fail with what is wrong if the page scrolls sideways or shows codes or stray English."""
    bad = problems(page_text(page), lang, allow)
    if not fits(page):
        width = page.evaluate("document.documentElement.scrollWidth")
        bad.append(f"the page is {width}px wide on a {page.viewport_size} screen")
    assert not bad, f"{page.url}: " + "; ".join(bad)
