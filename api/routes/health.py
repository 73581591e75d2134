"""/healthz: a constant answer for load balancers and uptime checks; /readyz: can it serve?"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from api.deps import public
from compliance.migrate import NotAtHead, check_at_head

router = APIRouter(tags=["health"])


@router.get("/healthz", dependencies=[public])
async def healthz() -> dict[str, str]:
    """The process is up and serving; it reads no database, so it is cheap to poll."""
    return {"status": "ok"}


@router.get("/readyz", dependencies=[public], response_model=None)
def readyz(request: Request) -> dict[str, str] | JSONResponse:
    """The database answers and its schema is this code's; else 503 with the reason.

    A plain `def`: the query runs in the thread pool, never on the event loop.
    """
    try:
        check_at_head(request.app.state.read_engine)  # reads alembic_version: a real query
    except NotAtHead as exc:
        return _unready(str(exc))
    except SQLAlchemyError as exc:
        return _unready(f"the database does not answer ({type(exc).__name__})")
    return {"status": "ready"}


def _unready(reason: str) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
