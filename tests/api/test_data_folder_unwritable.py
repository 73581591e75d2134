"""A data folder that cannot be written: a clear error in Chinese, and the form as typed."""

import pytest
from sqlalchemy import func, select

from compliance.errors import StorageUnavailable
from compliance.files.models import StoredFile
from compliance.files.storage import write_atomic
from compliance.inspections.models import SpotCheck
from tests.api.test_spot_checks import form, png


@pytest.fixture
def unwritable(settings, tmp_path, monkeypatch):
    """COMPLIANCE_DATA_DIR under a plain file: no one (not even root) can create it."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr(settings, "data_dir", blocker / "data")
    return settings.data_dir


def test_writing_to_an_unwritable_data_folder_says_so_in_both_languages(unwritable):
    with pytest.raises(StorageUnavailable) as caught:
        write_atomic(unwritable, "a.png", b"x")
    assert "cannot be written" in str(caught.value)
    assert caught.value.text("zh").startswith("数据目录不可写")


def test_a_spot_check_photo_that_cannot_be_stored_keeps_the_form(
    browser, office, session, unwritable
):
    r = browser("manager").post(
        "/spot-checks/new",
        form(office, notes="门铃按了很久"),
        files=[("photos", ("door.png", png(), "image/png"))],
    )
    assert r.status_code == 503
    assert "数据目录不可写" in r.text
    assert "门铃按了很久</textarea>" in r.text
    assert 'name="result_ring_duration" value="fail" checked' in r.text
    assert session.execute(select(func.count()).select_from(SpotCheck)).scalar_one() == 0
    assert session.execute(select(func.count()).select_from(StoredFile)).scalar_one() == 0
