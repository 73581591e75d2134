"""File imports (staff roster, punch-clock attendance): validate every row, all or nothing."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportResult:
    """What an import inserted, and the fingerprint of the file it came from."""

    kind: str
    rows: int
    file_sha256: str
    audit_seq: int
