"""The deny-by-default URL fetcher: only data: URLs and bundled assets, nothing else."""

import pytest
from weasyprint.urls import FatalURLFetchingError

from compliance.dossiers.fetcher import DenyByDefaultFetcher, FetchRefused
from compliance.dossiers.render import html_to_pdf
from tests.pdf.canary import canary_server


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/hostname",
        "http://127.0.0.1:9/x.css",
        "https://example.com/y.png",
        "ftp://example.com/z",
        "dossier-asset:../../../etc/passwd",
        "dossier-asset:/etc/passwd",
        "dossier-asset:missing.css",
        "javascript:alert(1)",
        "/etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_but_data_and_assets(url):
    with pytest.raises(FetchRefused):
        DenyByDefaultFetcher()(url)


def test_the_fetcher_serves_data_urls_and_bundled_assets():
    fetcher = DenyByDefaultFetcher()
    resp = fetcher("data:text/plain;base64,aGk=")
    assert resp.read() == b"hi" and resp.content_type == "text/plain"
    css = fetcher("dossier-asset:dossier.css")
    assert b"@page" in css.read()


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="stylesheet" href="{base}/x.css"><p>x</p>',
        '<p style="background: url({base}/y)">x</p>',
        '<img src="{base}/redirect">',
    ],
)
def test_a_forbidden_url_in_the_html_stops_rendering_and_is_never_requested(markup):
    with canary_server() as canary:
        html = markup.format(base=canary.base)
        with pytest.raises(FatalURLFetchingError):
            html_to_pdf(f"<html><body>{html}</body></html>")
        assert canary.requests == []


def test_the_canary_does_see_requests_from_weasyprints_default_fetcher():
    """Control: without our fetcher the same markup reaches the server (the test can fail)."""
    from weasyprint import HTML

    with canary_server() as canary:
        HTML(string=f'<link rel="stylesheet" href="{canary.base}/x.css"><p>x</p>').write_pdf()
        assert canary.requests == ["/x.css"]
