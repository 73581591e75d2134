"""The names of the work orders' stored codes (state, step, kind, channel, severity, complaint
class, hop role, check-in and reply methods, why a hop ended, call direction), in the reader's
language, and a clock's state: one msgid per code (the catalog gives the Chinese).
`label(kind, code, lang)` for pages, `coded` for an error's value.
"""

from collections.abc import Callable
from typing import Final

from compliance.i18n import N_, gettext

NAMES: Final[dict[str, dict[str, str]]] = {
    "state": {
        "received": N_("Order received"),
        "dispatched": N_("Order dispatched"),
        "accepted": N_("Order accepted"),
        "in_progress": N_("Work in progress"),
        "waiting_resident": N_("Waiting on the resident"),
        "handled": N_("Order handled"),
        "awaiting_revisit": N_("Awaiting return visit"),
        "closed": N_("Order closed"),
        "cancelled": N_("Order cancelled"),
    },
    "action": {
        "receive": N_("Receive the order"),
        "assign_manager": N_("Assign a manager"),
        "dispatch": N_("Dispatch the order"),
        "transfer": N_("Transfer the order"),
        "return": N_("Give the order back"),
        "accept": N_("Accept the order"),
        "arrive": N_("Arrive (check in)"),
        "wait_resident": N_("Wait on the resident"),
        "resume": N_("Resume the work"),
        "handle": N_("Mark handled"),
        "reply": N_("Reply to the resident"),
        "contact": N_("Contact the resident"),
        "follow_up": N_("Follow up with the resident"),
        "rectify": N_("Order rectification"),
        "close": N_("Close the order"),
        "reopen": N_("Reopen the order"),
        "cancel": N_("Cancel the order"),
        "note": N_("Add a note to the order"),
    },
    "kind": {
        "complaint": N_("Complaint"),
        "repair": N_("Repair"),
        "housekeeping": N_("Housekeeping"),
        "emergency": N_("Emergency"),
    },
    "channel": {
        "phone": N_("Phone"),
        "counter": N_("At the counter"),
        "written": N_("Written"),
        "app": N_("Resident app"),
    },
    "severity": {
        "normal": N_("Normal"),
        "important": N_("Important"),
        "major": N_("Major"),
    },
    "complaint_class": {
        "": N_("Not a complaint"),
        "attitude": N_("Attitude"),
        "quality": N_("Service quality"),
        "environment": N_("Environment and cleaning"),
        "security": N_("Safety and security"),
        "noise": N_("Noise"),
        "fees": N_("Fees and charges"),
        "other": N_("Other"),
    },
    "role": {
        "manager": N_("Responsible manager"),
        "executor": N_("Executor"),
        "duty": N_("Duty staff"),
    },
    "checkin": {
        "qr": N_("Unit QR code"),
        "position": N_("Phone position"),
        "counter": N_("Counter check-in"),
    },
    "method": {
        "phone": N_("On the phone"),
        "in_person": N_("Face to face"),
        "written": N_("In writing"),
    },
    "hop_end": {
        "": N_("Holds it now"),
        "transfer": N_("Transferred"),
        "return": N_("Given back"),
        "closed": N_("Ended: order closed"),
        "cancelled": N_("Ended: order cancelled"),
        "reopened": N_("Ended: order reopened"),
        "handled": N_("Ended: work handled"),
    },
    "clock": {
        "running": N_("Running"),
        "met": N_("Met"),
        "breached": N_("Breached"),
        "excused": N_("Excused"),
    },
    "direction": {
        "in": N_("Incoming call"),
        "out": N_("Outgoing call"),
    },
}


def label(kind: str, code: str, lang: str) -> str:
    """A stored code's name in the language; an unknown code as it is stored."""
    msgid = NAMES.get(kind, {}).get(code)
    return gettext(lang, msgid) if msgid else code


def coded(kind: str, code: str) -> Callable[[str], str]:
    """A stored code as an error's value, read in the error's language."""
    return lambda lang: label(kind, code, lang)
