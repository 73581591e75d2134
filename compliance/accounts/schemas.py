"""Input and output shapes for users and offices."""

from pydantic import BaseModel, ConfigDict, Field

from compliance.actors import Role
from compliance.validation import Flag, Input, RecordId


class UserCreate(Input):
    """A new user of the acting admin's office."""

    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,49}$")
    display_name: str = Field(min_length=1, max_length=100)
    role: Role
    staff_id: RecordId | None = None
    is_director: Flag = False


class UserRead(BaseModel):
    """A user as shown back (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    office_id: int
    username: str
    display_name: str
    role: str
    staff_id: int | None
    is_director: bool
    active: bool


class OfficeCreate(Input):
    """A new office and its first admin."""

    code: str = Field(pattern=r"^[A-Z]{2,8}$")
    name: str = Field(min_length=2, max_length=100)
    city: str = Field(default="", max_length=50)
    timezone: str = "Asia/Shanghai"
    admin_username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,49}$")
    admin_name: str = Field(min_length=1, max_length=100)
