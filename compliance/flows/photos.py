"""Showing an uploaded photo: files asks the domains that hold photos which are a staff
member's own (an explicit tuple; a new kind of record with photos adds one line)."""

from compliance.cases import attachments
from compliance.context import Ctx
from compliance.damages import repository as damages_repo
from compliance.files import service as files
from compliance.files.models import StoredFile
from compliance.inspections import repository as inspections_repo

PHOTO_OWNERS: tuple[files.StaffPhotos, ...] = (
    inspections_repo.photos_of_staff,
    damages_repo.photos_of_staff,
    attachments.files_of_staff,
)


def open_visible(ctx: Ctx, file_id: int) -> tuple[StoredFile, bytes]:
    """A photo's metadata and bytes for the viewer; staff get only photos of their own
    spot checks and damage incidents and the files attached to their own cases (anything
    else: NotFound, as if it did not exist)."""
    return files.open_visible(ctx, file_id, PHOTO_OWNERS)
