"""Storing uploaded photos: type check from the bytes, metadata stripped, atomic, hashed."""

import dataclasses
import hashlib
import io

import pytest
from PIL import ExifTags, Image, PngImagePlugin
from sqlalchemy import func, select

from compliance.audit import service as audit_service
from compliance.audit.models import AuditEvent
from compliance.errors import Forbidden, NotFound, ValidationFailed
from compliance.files import service
from compliance.files.models import StoredFile
from compliance.files.service import FileTampered, get_file, open_file, store_image
from tests.conftest import as_role
from tests.factories import office_set


def _count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _state(ctx):
    files = (
        sorted(p.name for p in ctx.settings.data_dir.glob("*"))
        if ctx.settings.data_dir.exists()
        else []
    )
    return _count(ctx.session, StoredFile), _count(ctx.session, AuditEvent), files


def _image(fmt="JPEG", size=(40, 20), mode="RGB", **save):
    buf = io.BytesIO()
    Image.new(mode, size, "red").save(buf, format=fmt, **save)
    return buf.getvalue()


def _jpeg_with_gps(orientation=6):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (22.0, 32.0, 10.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (113.0, 56.0, 2.0)
    data = _image("JPEG", exif=exif, comment=b"taken at home of resident")
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # fixture sanity
    return data


def _with_settings(ctx, **over):
    return dataclasses.replace(ctx, settings=ctx.settings.model_copy(update=over))


def test_jpeg_with_gps_is_stored_without_any_metadata_and_upright(ctx, office):
    before = _count(ctx.session, AuditEvent)
    row = store_image(ctx, _jpeg_with_gps(), "IMG_0001.JPG")
    data = open_file(ctx, row.id)
    out = Image.open(io.BytesIO(data))
    assert out.format == "JPEG"
    assert "exif" not in out.info and "comment" not in out.info
    assert len(out.getexif()) == 0
    assert b"Exif" not in data and b"PhoneCo" not in data
    # Orientation 6 means "rotate 90° clockwise to view": the stored pixels are turned.
    assert (out.width, out.height) == (20, 40) == (row.width, row.height)
    assert row.content_type == "image/jpeg"
    assert row.original_name == "IMG_0001.JPG"
    assert _count(ctx.session, AuditEvent) == before + 1


def test_sha256_and_size_match_the_stored_bytes_and_name_is_server_chosen(ctx, office):
    row = store_image(ctx, _image("PNG"), "../../etc/passwd.png")
    path = ctx.settings.data_dir / row.storage_name
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == row.sha256
    assert row.size_bytes == len(data)
    assert row.storage_name.endswith(".png") and len(row.storage_name) == 32 + 4
    assert [p.name for p in ctx.settings.data_dir.iterdir()] == [row.storage_name]  # no temp left
    assert get_file(ctx, row.id).sha256 == row.sha256


def test_png_text_chunks_are_stripped(ctx, office):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 22.5N 113.9E")
    row = store_image(ctx, _image("PNG", mode="RGBA", pnginfo=info), "a.png")
    out = Image.open(io.BytesIO(open_file(ctx, row.id)))
    assert "Comment" not in out.info and out.mode == "RGBA"


def test_webp_and_palette_images_are_accepted(ctx, office):
    assert store_image(ctx, _image("WEBP"), "a.webp").content_type == "image/webp"
    assert store_image(ctx, _image("PNG", mode="P"), "p.png").content_type == "image/png"
    assert store_image(ctx, _image("JPEG", mode="CMYK"), "c.jpg").content_type == "image/jpeg"


def test_large_images_are_downscaled(ctx, office):
    small = _with_settings(ctx, max_image_side_px=100)
    row = store_image(small, _image("JPEG", size=(400, 200)), "big.jpg")
    assert (row.width, row.height) == (100, 50)
    assert Image.open(io.BytesIO(open_file(small, row.id))).size == (100, 50)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"hello, this is a text file\n" * 10, "not an image"),
        (b"", "empty"),
        (_image("GIF"), "not an image"),
        (_image("BMP"), "not an image"),
        (_image("JPEG", size=(200, 200))[:300], "not an image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not an image"),
    ],
    ids=["text-renamed-jpg", "empty", "gif", "bmp", "truncated-jpeg", "pdf"],
)
def test_non_images_are_rejected_and_nothing_is_stored(ctx, office, data, reason):
    before = _state(ctx)
    with pytest.raises(ValidationFailed) as err:
        store_image(ctx, data, "photo.jpg")
    assert [e.field for e in err.value.errors] == ["file"]
    assert reason in err.value.errors[0].reason
    assert _state(ctx) == before


def test_too_large_upload_is_rejected_before_decoding(ctx, office):
    tight = _with_settings(ctx, max_upload_bytes=100)
    data = _image("PNG", size=(64, 64))
    assert len(data) > 100
    before = _state(ctx)
    with pytest.raises(ValidationFailed) as err:
        store_image(tight, data, "a.png")
    assert err.value.errors[0].field == "file" and "larger" in err.value.errors[0].reason
    assert _state(ctx) == before


def test_pixel_bomb_is_rejected(ctx, office, monkeypatch):
    monkeypatch.setattr(service, "MAX_PIXELS", 100)
    with pytest.raises(ValidationFailed):
        store_image(ctx, _image("PNG", size=(20, 20)), "bomb.png")


def test_file_is_removed_when_the_transaction_fails(ctx, office, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(audit_service, "record", boom)
    with pytest.raises(RuntimeError):
        store_image(ctx, _image("JPEG"), "a.jpg")
    assert list(ctx.settings.data_dir.iterdir()) == []


def test_another_office_cannot_open_the_file(ctx, office):
    row = store_image(ctx, _image("JPEG"), "a.jpg")
    other = office_set(ctx.session, code="HYY")
    foreign = as_role(ctx, other, "manager")
    with pytest.raises(NotFound):
        open_file(foreign, row.id)
    with pytest.raises(NotFound):
        get_file(foreign, row.id)
    with pytest.raises(NotFound):
        open_file(ctx, 999999)


def test_tampered_or_missing_bytes_are_detected(ctx, office):
    row = store_image(ctx, _image("JPEG"), "a.jpg")
    path = ctx.settings.data_dir / row.storage_name
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(FileTampered):
        open_file(ctx, row.id)
    path.unlink()
    with pytest.raises(NotFound):
        open_file(ctx, row.id)


@pytest.mark.parametrize("role", ["staff", "cashier"])
def test_staff_and_cashier_cannot_upload(ctx, office, role):
    with pytest.raises(Forbidden):
        store_image(as_role(ctx, office, role), _image("JPEG"), "a.jpg")
