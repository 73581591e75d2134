"""/healthz: a constant answer for load balancers and uptime checks."""

from fastapi import APIRouter

from api.deps import public

router = APIRouter(tags=["health"])


@router.get("/healthz", dependencies=[public])
async def healthz() -> dict[str, str]:
    """The process is up and serving; it reads no database, so it is cheap to poll."""
    return {"status": "ok"}
