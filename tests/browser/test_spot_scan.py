"""The 扫码 button reads a unit's QR code through the phone's camera and picks that unit.

Chromium is given a fake camera that films a printed code (a Y4M video made from the QR
sheet's own code); the page decodes it with BarcodeDetector where the browser has one, else
with the vendored jsQR, and fills in the unit without leaving the form.
"""

from pathlib import Path

import pytest
import segno
from PIL import Image
from playwright.sync_api import expect

from api.pages.unit_qr import unit_link
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, Pages, Site
from tests.browser.helpers import screenshot, sign_in

pytestmark = pytest.mark.browser


def _camera_film(folder: Path, text: str) -> Path:
    """A few frames of a QR code on white, as the 4:2:0 Y4M file Chromium's fake camera plays."""
    code = segno.make(text, error="m")
    out = folder / "code.png"
    code.save(str(out), scale=8, border=4)
    frame = Image.new("RGB", (640, 480), "white")
    qr = Image.open(out).convert("RGB")
    frame.paste(qr, ((640 - qr.width) // 2, (480 - qr.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (320, 240)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    film = folder / "camera.y4m"
    with film.open("wb") as f:
        f.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            f.write(b"FRAME\n" + planes)
    return film


@pytest.mark.parametrize("decoder", ["browser", "jsqr"])
def test_the_scan_button_reads_the_units_code_with_the_camera(
    site: Site, pages: Pages, tmp_path: Path, decoder: str
) -> None:
    assert site.office is not None
    unit = site.office.units[2]  # 2栋 103
    film = _camera_film(tmp_path, unit_link(site.url, unit.id or 0))
    browser = pages.browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={film}",
        ],
    )
    try:
        context = browser.new_context(**PHONE, locale="zh-CN", permissions=["camera"])
        context.set_default_timeout(15_000)
        if decoder == "jsqr":  # a browser without BarcodeDetector (Firefox, iOS Safari < 17)
            context.add_init_script("delete window.BarcodeDetector;")
        page = context.new_page()
        loaded: list[str] = []
        page.on("request", lambda r: loaded.append(r.url))
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, site.url, "bsw-manager")
        page.goto(f"{site.url}/spot-checks/new")
        page.locator("#staff").fill("E001")
        scan = page.locator("[data-scan]")
        expect(scan).to_be_visible()
        scan.click()
        expect(page.locator("#unit")).to_have_value("2栋 103")
        expect(page.locator("[data-scanner]")).to_be_hidden()  # the camera is let go
        expect(page.locator("#staff")).to_have_value("E001")  # still the same form
        assert page.url == f"{site.url}/spot-checks/new"
        screenshot(page, f"spot-07-scanned-{decoder}-zh-phone", full_page=False)
        assert errors == []
        native = page.evaluate("'BarcodeDetector' in window")
        used_jsqr = any(u.endswith("/static/vendor/jsqr/jsQR.js") for u in loaded)
        assert used_jsqr == (not native)
        if decoder == "jsqr":
            assert used_jsqr
    finally:
        browser.close()
