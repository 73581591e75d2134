"""Who is acting, on which session, at what time: passed to every use case."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from compliance.actors import Actor
from compliance.clock import Clock, SystemClock
from compliance.config import Settings, get_settings
from compliance.permissions import Permission, holds, refusal


@dataclass
class Ctx:
    """A use case's session, actor, clock and settings."""

    session: Session
    actor: Actor
    clock: Clock = field(default_factory=SystemClock)
    settings: Settings = field(default_factory=get_settings)

    def now(self) -> datetime:
        """Current UTC time from the injected clock."""
        return self.clock.now()

    @property
    def tz(self) -> ZoneInfo:
        """The office's display time zone."""
        return ZoneInfo(self.settings.timezone)

    def require(self, permission: Permission) -> None:
        """Deny unless the actor's role holds the permission (compliance/permissions.py)."""
        if not holds(self.actor, permission):
            raise refusal(self.actor, permission)
