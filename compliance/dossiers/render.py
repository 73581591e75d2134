"""HTML and PDF rendering for dossiers and reports: its own Jinja2 environment, WeasyPrint
with the deny-by-default fetcher, fonts through fontconfig and HarfBuzz subsetting."""

import gc
from functools import lru_cache, partial
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from compliance import i18n
from compliance.dossiers import labels as lb
from compliance.dossiers.fetcher import ASSETS_DIR, TEMPLATE_DIR, DenyByDefaultFetcher
from compliance.dossiers.views import DossierView

# Never the web app's environment: printed documents get their own, stricter one. Its words
# come from the same catalog as the pages' ({% trans %}, and L: the captions of labels.py), in
# the dossier's language.
ENV = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    auto_reload=False,
    extensions=["jinja2.ext.i18n"],
)
ENV.install_null_translations(newstyle=True)  # type: ignore[attr-defined]


def page_label(lang: str) -> tuple[str, str, str]:
    """The footer wording around the two counters, e.g. ('第 ', ' 页 / 共 ', ' 页')."""
    text = lb.labels(lang)["page"]
    pfx, rest = text.split("{x}", 1)
    mid, sfx = rest.split("{y}", 1)
    return pfx, mid, sfx


def render_html(template: str, lang: str, **context: Any) -> str:
    """Render one of the templates/dossier pages with the language's wording."""
    return ENV.get_template(template).render(
        L=lb.labels(lang),
        page_label=page_label(lang),
        gettext=partial(i18n.gettext, lang),
        ngettext=partial(i18n.ngettext, lang),
        **context,
    )


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    text = (ASSETS_DIR / "dossier.css").read_text(encoding="utf-8")
    return CSS(string=text, url_fetcher=DenyByDefaultFetcher(), font_config=_fonts())


# A page that touches every face the stylesheet uses (regular, bold, monospace) and the
# page-margin boxes, so a worker pays for loading fonts before its first real dossier.
_WARM_HTML = (
    '<div class="run" data-office="管理处" data-docnum="BSW" data-pfx="第 " data-mid=" 页 / 共 "'
    ' data-sfx=" 页"></div><h2>案卷 Dossier</h2><table><tr><th>序号</th><td>正文 text</td></tr>'
    '</table><div class="hash">0123456789abcdef ←</div>'
)


def warm_up() -> None:
    """Load the stylesheet and fonts and lay out one small page (once per process)."""
    html_to_pdf(_WARM_HTML)


def html_to_pdf(html: str) -> bytes:
    """Lay out and write the PDF; a forbidden URL anywhere makes this raise."""
    doc = HTML(string=html, base_url=None, url_fetcher=DenyByDefaultFetcher())
    # Layout allocates hundreds of thousands of short-lived boxes that hold no cycles worth
    # collecting mid-render; pausing the cyclic collector saves a fifth of the time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        data: bytes = doc.write_pdf(
            stylesheets=[_stylesheet()], font_config=_fonts(), uncompressed_pdf=False
        )
    finally:
        if was_enabled:
            gc.enable()
    return data


def dossier_html(view: DossierView) -> str:
    """The dossier as HTML (escaped, strict)."""
    return render_html("dossier.html", view.content.lang, view=view)


def render_dossier(view: DossierView) -> bytes:
    """The dossier PDF."""
    return html_to_pdf(dossier_html(view))
