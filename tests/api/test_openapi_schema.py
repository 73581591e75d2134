"""The JSON API against its own OpenAPI schema, with Schemathesis.

Every operation is called with generated input (valid and invalid, boundaries first) as
admin, manager and HR where the access table admits them (else as the roles it admits), on
a small office with one record of each kind, so that ids in the path sometimes name a real
record. Each answer must be no 5xx; a documented status with the documented content type,
headers and body; a 4xx for input the schema forbids; and 401 without a valid token.
"""

from datetime import timedelta
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session

from api.main import create_app
from compliance.accounts import tokens
from compliance.clock import FixedClock
from compliance.config import Settings
from compliance.context import Ctx
from compliance.flows import open_case
from compliance.flows import spot_checks as inspections
from compliance.overtime import service as overtime
from compliance.tips import service as tips
from compliance.validation import MAX_ID
from tests.api.helpers import manual_finding
from tests.api.route_access import ROUTE_ACCESS
from tests.conftest import NOW
from tests.factories import OfficeSet

# The schema does not depend on the database: read it once, from an app of its own
# (straight from the app: /openapi.json is for signed-in users).
_schema_app = create_app(Settings(database_url="sqlite://"))
schema = schemathesis.openapi.from_dict(_schema_app.openapi())
schema.app = _schema_app  # as from_asgi does; each call passes the test's own app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    allow_header_conformance,
    ignored_auth,
]
# The roles that reach most of the API; an operation none of them may call (acknowledge,
# appeal, hand-over, the director's decision) runs as the roles that may.
BROAD = ("admin", "manager", "hr")
# What each path parameter can be to name a real record of the test's office. Hooks belong to
# the schema, not the test, so the test fills this in before generation starts.
KNOWN: dict[str, Any] = {}


@pytest.fixture
def records(
    session: Session, clock: FixedClock, settings: Settings, office: OfficeSet
) -> dict[str, Any]:
    """An open finding, a case, a tip, an overtime request, a spot check: path values."""

    def as_(name: str) -> Ctx:
        return Ctx(session=session, actor=office.actor(name), clock=clock, settings=settings)

    staff, unit = office.staff[0].id, office.units[0].id
    open_finding = manual_finding(as_("manager"), office)
    case = open_case.confirm_into_case(
        as_("manager"), manual_finding(as_("manager"), office, days=3).id
    )
    at = (NOW - timedelta(days=1)).isoformat()
    tip = tips.declare_tip(
        as_("staff"), {"staff_id": staff, "unit_id": unit, "amount_fen": 2000, "received_at": at}
    )
    request = overtime.request_overtime(
        as_("manager"), {"staff_id": staff, "unit_id": unit, "requested_at": at}
    )
    check = inspections.record_spot_check(
        as_("manager"),
        {
            "staff_id": staff,
            "unit_id": unit,
            "checked_at": at,
            "items": [{"item_key": "ring_duration", "result": "pass", "observed": 10}],
        },
    )
    token = tokens.create_token(as_("hr"), {"name": "kept"})
    return {
        "finding_id": open_finding.id,
        "case_id": case.id,
        "tip_id": tip.id,
        "request_id": request.id,
        "spot_check_id": check.id,
        "token_id": token.id,
        "user_id": office.users["staff2"].id,
        "rule_code": "R08",
    }


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Now and then, swap a valid generated id for the id of a real record."""
    if not path_parameters:
        return st.just(path_parameters)
    real = {
        name: KNOWN[name]
        for name, value in path_parameters.items()
        # Only where the generated value was valid too: a case meant to be refused stays so.
        if name in KNOWN
        and type(value) is type(KNOWN[name])
        and (not isinstance(value, int) or 1 <= value <= MAX_ID)
    }
    return st.sampled_from([path_parameters, {**path_parameters, **real}])


def _headers(case: schemathesis.Case, token: str) -> dict[str, str]:
    # The schema declares bearer auth, so Schemathesis generates a made-up token, or leaves
    # the header out (or mangles it) in cases that must be refused: swap in a real token only
    # where it generated a well-formed one.
    generated = (case.headers or {}).get("Authorization")
    if isinstance(generated, str) and generated.startswith("Bearer "):
        return {"Authorization": f"Bearer {token}"}
    return {}


@schema.parametrize()
@hypothesis.settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(
    case: schemathesis.Case,
    app: FastAPI,
    session: Session,
    clock: FixedClock,
    settings: Settings,
    office: OfficeSet,
    records: dict[str, Any],
) -> None:
    KNOWN.clear()
    KNOWN.update(records)
    allowed = ROUTE_ACCESS[(case.operation.method.upper(), case.operation.path)].allow
    for role in [r for r in BROAD if r in allowed] or sorted(allowed):
        ctx = Ctx(session=session, actor=office.actor(role), clock=clock, settings=settings)
        token = tokens.create_token(ctx, {"name": "schemathesis"}).token
        case.call_and_validate(headers=_headers(case, token), app=app, checks=CHECKS)


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", "/api/cases/99999999999999999999", None, "case_id"),
        ("GET", "/api/findings?staff_id=2147483648", None, "staff_id"),
        ("POST", "/api/feedback", {"staff_id": 2**63}, "staff_id"),
        ("POST", "/api/feedback", {"occurred_at": 0}, "occurred_at"),
        ("POST", "/api/feedback", {"occurred_at": "9999-12-31T23:00:00-10:00"}, "occurred_at"),
        ("POST", "/api/feedback", {"occurred_at": "0001-01-01T00:00:00+08:00"}, "occurred_at"),
        ("POST", "/api/admin/users", {"is_director": 0}, "is_director"),
    ],
)
def test_out_of_range_input_is_a_422_on_its_field(
    client: TestClient,
    session: Session,
    clock: FixedClock,
    settings: Settings,
    office: OfficeSet,
    method: str,
    path: str,
    body: Any,
    field: str,
) -> None:
    # Ids past a database integer and times past the ends of the calendar were 500s; a bare
    # number passed as a time (in 1970) and as a yes/no.
    role = "admin" if path.startswith("/api/admin/") else "manager"
    ctx = Ctx(session=session, actor=office.actor(role), clock=clock, settings=settings)
    headers = {"Authorization": f"Bearer {tokens.create_token(ctx, {'name': 't'}).token}"}
    r = client.request(method, path, json=body, headers=headers)
    assert r.status_code == 422, r.text
    assert field in {e["field"] for e in r.json()["errors"]}
