"""A year of a 300-unit estate's service records (20,000 work orders, 60,000 calls) and the time
and memory evaluate_office takes on it (issue 15 item 14: < 5 s, < 1 GiB).

`build_year` inserts the records with Core inserts (fast, deterministic by seed) and is meant
for reuse by the benchmark run; `python -m bench.service_year` prints the figures.
"""

import json
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from compliance.db import make_engine
from compliance.files.models import StoredFile
from compliance.flows.service_clocks import evaluate_office
from compliance.migrate import upgrade
from compliance.service.models import (
    ReturnVisit,
    ServiceCall,
    ServiceEvent,
    ServiceHop,
    ServiceOrder,
)
from tests import factories

YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
KINDS = ("complaint", "repair", "repair", "housekeeping", "housekeeping", "emergency")


def build_year(
    session: Session,
    office_id: int,
    staff_ids: list[int],
    unit_ids: list[int],
    *,
    orders: int = 20_000,
    calls: int = 60_000,
    seed: int = 15,
) -> None:
    """Insert a year of orders (with events and hops), calls and return visits."""
    rng = random.Random(seed)
    photo = StoredFile(
        office_id=office_id,
        storage_name=f"bench-photo-{office_id}",
        sha256="0" * 64,
        content_type="image/jpeg",
        size_bytes=1,
        created_at=YEAR_START,
    )
    session.add(photo)
    session.flush()
    order_rows: list[dict[str, Any]] = []
    for i in range(orders):
        received = YEAR_START + timedelta(seconds=rng.randrange(0, 365 * 86400))
        kind = KINDS[i % len(KINDS)]
        order_rows.append(
            {
                "office_id": office_id,
                "number": f"Y{i:07d}",
                "kind": kind,
                "channel": "written" if i % 17 == 0 else "phone",
                "severity": "important" if i % 23 == 0 else "normal",
                "complaint_class": "attitude" if kind == "complaint" and i % 5 == 0 else "",
                "unit_id": unit_ids[i % len(unit_ids)],
                "received_at": received,
                "state": "closed",
                "created_at": received,
                "version": 1,
                "reopen_count": 0,
            }
        )
    session.execute(insert(ServiceOrder.__table__), order_rows)  # type: ignore[attr-defined]
    ids = [
        r[0]
        for r in session.execute(
            ServiceOrder.__table__.select()  # type: ignore[attr-defined]
            .with_only_columns(ServiceOrder.__table__.c.id)  # type: ignore[attr-defined]
            .where(ServiceOrder.__table__.c.office_id == office_id)  # type: ignore[attr-defined]
            .order_by(ServiceOrder.__table__.c.id)  # type: ignore[attr-defined]
        )
    ]
    events: list[dict[str, Any]] = []
    hop_plan: list[tuple[int, str, int, datetime]] = []
    visits: list[dict[str, Any]] = []

    def ev(order_id: int, action: str, at: datetime, staff: int | None, **kw: Any) -> None:
        events.append(
            {
                "office_id": office_id,
                "order_id": order_id,
                "action": action,
                "at": at,
                "staff_id": staff,
                "note": kw.get("note", ""),
                "call_id": None,
                "photo_file_id": photo.id if action == "handle" else None,
                "checkin_method": kw.get("checkin", ""),
                "details": kw.get("details", "{}"),
                "from_state": "",
                "to_state": "",
                "reason": "",
                "checkin_ref": "",
                "recorded_at": at,
            }
        )

    for order_id, row in zip(ids, order_rows, strict=True):
        t = row["received_at"]
        manager, worker = rng.choice(staff_ids), rng.choice(staff_ids)
        ev(order_id, "receive", t, staff_ids[0])
        late = rng.random() < 0.03
        step = timedelta(minutes=rng.randrange(1, 15 if not late else 40))
        if row["kind"] == "emergency":
            hop_plan.append((order_id, "duty", worker, t + timedelta(minutes=1)))
            ev(order_id, "arrive", t + step / 3, worker, checkin="position")
            ev(order_id, "handle", t + step * 3, worker, note="控制")
            continue
        ev(order_id, "assign_manager", t + step, manager)
        hop_plan.append((order_id, "manager", manager, t + step))
        hop_plan.append((order_id, "executor", worker, t + step * 2))
        ev(order_id, "dispatch", t + step * 2, worker)
        done = t + timedelta(hours=rng.randrange(1, 40 if late else 8))
        ev(order_id, "reply", done, manager, note="已答复", details='{"method": "in_person"}')
        ev(order_id, "handle", done, worker, note="已处理")
        if row["kind"] == "complaint":
            ev(
                order_id,
                "follow_up",
                done + timedelta(days=rng.randrange(0, 4 if rng.random() < 0.97 else 6)),
                manager,
                note="上门回访",
                details='{"method": "in_person"}',
            )
            visits.append(
                {
                    "office_id": office_id,
                    "unit_id": row["unit_id"],
                    "order_id": order_id,
                    "method": "phone",
                    "visitor_staff_id": manager,
                    "visited_at": done
                    + timedelta(days=rng.randrange(1, 25 if rng.random() < 0.97 else 40)),
                    "rating": rng.choice((5, 5, 4, 4, 3)),
                    "comments": "",
                    "topic": "",
                    "created_at": done,
                }
            )
    for i in range(0, len(events), 10_000):
        session.execute(insert(ServiceEvent.__table__), events[i : i + 10_000])  # type: ignore[attr-defined]
    # Each hop starts at its dispatch event (the first event of that staff member's action).
    first_event: dict[tuple[int, int, datetime], int] = {}
    for eid, oid, sid, at in session.execute(
        ServiceEvent.__table__.select()  # type: ignore[attr-defined]
        .with_only_columns(
            ServiceEvent.__table__.c.id,  # type: ignore[attr-defined]
            ServiceEvent.__table__.c.order_id,  # type: ignore[attr-defined]
            ServiceEvent.__table__.c.staff_id,  # type: ignore[attr-defined]
            ServiceEvent.__table__.c.at,  # type: ignore[attr-defined]
        )
        .where(ServiceEvent.__table__.c.office_id == office_id)  # type: ignore[attr-defined]
    ):
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        first_event.setdefault((oid, sid or 0, at), eid)
    any_event = {oid: eid for (oid, _s, _a), eid in first_event.items()}
    hops = [
        {
            "office_id": office_id,
            "order_id": oid,
            "role": role,
            "staff_id": sid,
            "start_at": at,
            "end_at": None,
            "start_event_id": first_event.get((oid, sid, at), any_event[oid]),
            "end_reason": "",
        }
        for oid, role, sid, at in hop_plan
    ]
    for i in range(0, len(hops), 10_000):
        session.execute(insert(ServiceHop.__table__), hops[i : i + 10_000])  # type: ignore[attr-defined]
    if visits:
        session.execute(insert(ReturnVisit.__table__), visits)  # type: ignore[attr-defined]
    call_rows = []
    for i in range(calls):
        at = YEAR_START + timedelta(seconds=rng.randrange(0, 365 * 86400))
        rings = (rng.choice((1, 2, 2, 3, 3)) if rng.random() < 0.97 else 4) if i % 3 else None
        call_rows.append(
            {
                "office_id": office_id,
                "called_at": at,
                "direction": "in" if i % 10 else "out",
                "answered": True,
                "rings": rings,
                "answer_seconds": None
                if rings is not None
                else rng.randrange(2, 16 if rng.random() < 0.97 else 25),
                "answered_by_staff_id": staff_ids[i % len(staff_ids)],
                "source": "import",
                "source_key": f"y{i}",
                "created_at": at,
                "caller_phone": "",
                "purpose": "",
            }
        )
    for i in range(0, len(call_rows), 10_000):
        session.execute(insert(ServiceCall.__table__), call_rows[i : i + 10_000])  # type: ignore[attr-defined]


def peak_rss_mib() -> float:
    """This process's peak resident memory so far."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def measure(database_url: str | None = None) -> dict[str, Any]:
    """Build the year in a fresh database and time evaluate_office over it."""
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'service_year.db'}"
        engine = make_engine(url)
        upgrade(engine)
        with Session(engine) as s:
            office = factories.office_set(s, code="YR", n_staff=5, n_units=4)
            staff = [x.id for x in office.staff if x.id is not None]
            units = [u.id for u in office.units if u.id is not None]
            oid = office.office.id
            assert oid is not None
            s.commit()
            build_year(s, oid, staff, units)
            s.commit()
        rss_before = peak_rss_mib()
        with Session(engine) as s:
            began = time.perf_counter()
            cpu = time.process_time()
            summary = evaluate_office(
                s, oid, date(2025, 1, 1), date(2025, 12, 31), now=datetime(2026, 2, 1, tzinfo=UTC)
            )
            s.commit()
            seconds = time.perf_counter() - began
            cpu_seconds = time.process_time() - cpu
        engine.dispose()
        return {
            "sla_year_s": round(seconds, 3),
            "sla_year_cpu_s": round(cpu_seconds, 3),
            "sla_peak_rss_mib": round(peak_rss_mib(), 1),
            "rss_before_mib": round(rss_before, 1),
            "clocks": summary.clocks,
            "by_state": summary.by_state,
            "new_findings": summary.new_findings,
            "repeat_findings": summary.repeat_findings,
        }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1] if len(sys.argv) > 1 else None), indent=2))
