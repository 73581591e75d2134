"""The API's errors in its OpenAPI schema: the problem+json model and the statuses per route."""

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from api.deps import declared_access
from api.errors import PROBLEM_JSON, TITLES
from api.security import API_PREFIX
from compliance.actors import Role

ALL_ROLES = frozenset(Role)


def _no_default(schema: dict[str, Any]) -> None:
    # Absent, not null: the key is left out of the answer when there is nothing to say.
    schema.pop("default", None)


Absent = Field(default=None, json_schema_extra=_no_default)


class ProblemFieldError(BaseModel):
    """One bad input field (`line` for a row of an uploaded file)."""

    field: str
    reason: str
    line: int | SkipJsonSchema[None] = Absent


class Problem(BaseModel):
    """An API error as problem details (RFC 9457); `errors` lists the bad fields of a 422."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | SkipJsonSchema[None] = Absent
    errors: list[ProblemFieldError] | SkipJsonSchema[None] = Absent
    # A 500's id: the server's log line for it carries the same one.
    request_id: str | SkipJsonSchema[None] = Absent


def _error_statuses(rc: RouteContext, route: APIRoute) -> list[int]:
    """The problem statuses an API route can answer with, read from what it declares."""
    deps = list(getattr(rc, "dependencies", None) or route.dependencies)
    roles = [d.dependency.access for d in deps if declared_access(d.dependency)]
    statuses = set()
    if any(r is not None for r in roles):  # not public: a bearer token is required
        statuses.add(401)
        # Fewer than all roles, a further check (the director's), or a write (a read-only
        # token may not): someone is refused.
        writes = bool(route.methods - {"GET", "HEAD"})
        if any(r is not None and r != ALL_ROLES for r in roles) or len(deps) > len(roles) or writes:
            statuses.add(403)
    if route.param_convertors:
        statuses.add(404)  # the record named in the path does not exist (or is not theirs)
    if route.methods - {"GET", "HEAD"}:
        statuses.add(409)  # a concurrent change: the record, or the audit chain, moved first
    if route.body_field is not None:
        statuses.add(400)  # FastAPI could not read the body at all (not UTF-8, say)
    # Problems a route declares itself (e.g. 429: a throttled password check).
    statuses |= {int(k) for k in route.responses if str(k) in {"429"}}
    reads_body = route.body_field is not None or "requestBody" in (route.openapi_extra or {})
    if reads_body or route.dependant.path_params or route.dependant.query_params:
        statuses.add(422)
    return sorted(statuses)


def _problem_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": TITLES[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return response


def document_problems(app: FastAPI) -> None:
    """Describe the API's errors in its OpenAPI schema: problem+json, the statuses per route."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {})
        models = components.setdefault("schemas", {})
        # FastAPI's own 422 shape is never sent: on_request_invalid answers a Problem.
        models.pop("HTTPValidationError", None)
        models.pop("ValidationError", None)
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        models.update(problem.pop("$defs"))
        models["Problem"] = problem
        components.setdefault("securitySchemes", {})["bearer"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (cmp_...), made under /me/tokens.",
        }
        for rc in iter_route_contexts(app.routes):
            route = rc.original_route
            path = getattr(rc, "path_format", None) or ""
            if not (isinstance(route, APIRoute) and path.startswith(API_PREFIX + "/")):
                continue
            for method in rc.methods or ():
                operation = schema["paths"].get(path, {}).get(method.lower())
                if operation is None:
                    continue
                statuses = _error_statuses(rc, route)
                if 401 in statuses:
                    operation["security"] = [{"bearer": []}]
                responses = operation.setdefault("responses", {})
                for status in statuses:
                    responses[str(status)] = _problem_response(status)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
