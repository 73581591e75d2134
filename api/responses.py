"""Responses the routes build themselves."""

from starlette.responses import Response


class JSONBytes(Response):
    """JSON already serialized, e.g. by pydantic straight from validated read models.

    A route that returns a model has FastAPI validate it against the response model again
    and then serialize it; for the busiest reads (a page of 50 cases) that second pass cost
    as much as the query. Such routes declare `response_model` for the OpenAPI schema and
    return the bytes of a model the service has already validated.
    """

    media_type = "application/json"


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names the ETag (compared weakly, as RFC 9110 asks)."""
    if not if_none_match:
        return False
    sent = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in sent or "*" in sent
