"""The 突发事件处理表 as a PDF: a frozen view model of what it shows, its own Jinja2 environment
over templates/emergency, WeasyPrint with the dossier's font (Noto Sans CJK SC through
fontconfig) and no URL fetched at all.

The timeline says, for each duty staff member, how long after the report they checked in on
site and whether that was within the 5 minutes (相关人员必须在5分钟内赶到现场): 5:00 is within,
5:01 is not.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from compliance import i18n
from compliance.config import PROJECT_ROOT
from compliance.context import Ctx
from compliance.i18n import N_
from compliance.offices.models import Office
from compliance.service.emergency import (
    INCIDENT_NAMES,
    ON_SITE_MINUTES,
    REPORT_STATE_NAMES,
    EmergencyView,
    get_emergency,
)

TEMPLATE_DIR = PROJECT_ROOT / "templates" / "emergency"
ENV = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    auto_reload=False,
)
METHOD_NAMES = {
    "qr": N_("by the unit's QR code"),
    "position": N_("by position"),
    "counter": N_("at the counter"),
}


ELAPSED = N_("%(m)s min %(s)s s")
WITHIN = N_("within %(n)s minutes")
LATER = N_("later than %(n)s minutes")
ON_SITE = N_("On site (check-in %(how)s)")
ABSENT = N_("Not checked in on site")


class FetchRefused(ValueError):
    """The report loads nothing: its text is escaped, and any URL in it fails the print."""


class RefuseAll(URLFetcher):
    """Fetches nothing: any URL (file, http, data) makes the print fail (fatal, not a warning
    with the image left out)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Refuse."""
        raise FetchRefused(f"an emergency report loads no URL: {url[:80]!r}")

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        """Never use urllib's opener machinery."""
        raise FetchRefused("an emergency report loads no URL")

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)


@dataclass(frozen=True)
class TimelineLine:
    """One step of the timeline: what, when (office time), and for an arrival how long after
    the report and whether within the 5 minutes."""

    what: str
    who: str
    at: str
    after: str = ""
    within: bool | None = None
    verdict: str = ""


@dataclass(frozen=True)
class EmergencyPrint:
    """Everything the printed report shows, already in the reader's language."""

    lang: str
    office: str
    number: str
    incident: str
    location: str
    description: str
    reported_at: str
    timeline: tuple[TimelineLine, ...]
    cause: str
    measures: str
    losses: str
    drafted_by: str
    drafted_at: str
    state: str
    decided_by: str
    decided_at: str
    decision_note: str
    approved: bool


def elapsed(seconds: int, lang: str) -> str:
    """4分59秒 / 4 min 59 s."""
    m, s = divmod(max(seconds, 0), 60)
    return i18n.gettext(lang, ELAPSED, m=m, s=str(s).zfill(2))


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _local(at: datetime | None, tz: ZoneInfo) -> str:
    if at is None:
        return ""
    return _utc(at).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def print_model(view: EmergencyView, office: str, tz: ZoneInfo, lang: str) -> EmergencyPrint:
    """The report as printed, from the emergency as it stands."""
    t = partial(i18n.gettext, lang)
    report, order = view.report, view.order
    lines = [TimelineLine(t("Reported"), "", _local(view.reported_at, tz))]
    for a in view.arrivals:
        dispatched = _local(a.dispatched_at, tz)
        lines.append(TimelineLine(t("Duty staff dispatched"), a.staff_name, dispatched))
    for a in sorted(
        (a for a in view.arrivals if a.arrived_at is not None),
        key=lambda a: a.arrived_at or view.reported_at,
    ):
        assert a.seconds_after_report is not None
        within = a.within
        lines.append(
            TimelineLine(
                t(ON_SITE, how=t(METHOD_NAMES.get(a.method, a.method))),
                a.staff_name,
                _local(a.arrived_at, tz),
                elapsed(a.seconds_after_report, lang),
                within,
                t(WITHIN, n=ON_SITE_MINUTES) if within else t(LATER, n=ON_SITE_MINUTES),
            )
        )
    for a in view.arrivals:
        if a.arrived_at is None:
            lines.append(TimelineLine(t(ABSENT), a.staff_name, "", "", False, ""))
    if report.controlled_at is not None:
        secs = int((_utc(report.controlled_at) - _utc(view.reported_at)).total_seconds())
        lines.append(
            TimelineLine(
                t("Under control"), "", _local(report.controlled_at, tz), elapsed(secs, lang)
            )
        )
    approved = report.state == "approved"
    return EmergencyPrint(
        lang=lang,
        office=office,
        number=order.number,
        incident=t(INCIDENT_NAMES.get(report.incident_kind, report.incident_kind)),
        location=" ".join(x for x in (view.unit_label, order.location) if x),
        description=order.description,
        reported_at=_local(view.reported_at, tz),
        timeline=tuple(lines),
        cause=report.cause,
        measures=report.measures,
        losses=report.losses,
        drafted_by=view.drafted_by,
        drafted_at=_local(report.drafted_at, tz),
        state=t(REPORT_STATE_NAMES.get(report.state, report.state)),
        decided_by=view.decided_by if report.state in ("approved", "returned") else "",
        decided_at=_local(report.decided_at, tz)
        if report.state in ("approved", "returned")
        else "",
        decision_note=report.decision_note,
        approved=approved,
    )


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    text = (TEMPLATE_DIR / "emergency.css").read_text(encoding="utf-8")
    return CSS(string=text, url_fetcher=RefuseAll(), font_config=_fonts())


def report_html(p: EmergencyPrint) -> str:
    """The report as HTML (escaped, strict)."""
    t = partial(i18n.gettext, p.lang)
    tag = i18n.LANGS[p.lang][1]
    return ENV.get_template("report.html").render(p=p, _=t, html_lang=tag)


def render_report(p: EmergencyPrint) -> bytes:
    """The report PDF."""
    doc = HTML(string=report_html(p), base_url=None, url_fetcher=RefuseAll())
    data: bytes = doc.write_pdf(stylesheets=[_stylesheet()], font_config=_fonts())
    return data


def sha256(data: bytes) -> str:
    """The PDF's fingerprint, as stored on the report."""
    return hashlib.sha256(data).hexdigest()


def render_for(ctx: Ctx, order_id: int, lang: str = i18n.DEFAULT_LANG) -> bytes:
    """The emergency's report PDF as it stands, in the language (Chinese by default)."""
    view = get_emergency(ctx.session, ctx.actor.office_id, order_id)
    office = ctx.session.get(Office, ctx.actor.office_id)
    name = office.name if office else ""
    return render_report(print_model(view, name, ctx.tz, lang))
