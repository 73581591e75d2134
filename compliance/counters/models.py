"""Gap-free number sequences (case, receipt and dossier numbers)."""

from sqlmodel import Field, SQLModel


class Counter(SQLModel, table=True):
    """One locked row per office, sequence name and year."""

    office_id: int = Field(foreign_key="office.id", primary_key=True)
    name: str = Field(max_length=32, primary_key=True)
    year: int = Field(primary_key=True)
    value: int = 0
