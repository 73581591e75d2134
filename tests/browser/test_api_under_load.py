"""The JSON API on a real server under a burst of concurrent requests (no browser needed).

A token's first use in a while is recorded (a write) while its request otherwise only reads.
Forty clients arriving at once with a fresh token must all be answered, none waiting out the
client's timeout, and the use recorded. (The stall this guards against showed under wrk in
bench/api_bench.py: requests that held pooled connections while waiting for the write.)
"""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session

from compliance.accounts import tokens
from tests.browser.conftest import Site

CLIENTS = 40
# A stalled pool makes a request wait 30 s before it gives up: a client that waits at most
# this long sees the stall as a timeout error, however fast or slow the machine otherwise is.
STALL_TIMEOUT_S = 15


def _get(url: str, token: str) -> tuple[int, int]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=STALL_TIMEOUT_S) as r:
        return r.status, len(json.loads(r.read()))


def test_a_burst_of_reads_with_a_fresh_token_is_all_answered(site: Site) -> None:
    with Session(site.engine, expire_on_commit=False) as session:
        token = tokens.create_token(site.ctx(session, "hr"), {"name": "burst"}).token
    with ThreadPoolExecutor(CLIENTS) as pool:  # a stalled request raises its timeout here
        answers = list(pool.map(lambda _: _get(f"{site.url}/api/cases", token), range(CLIENTS)))
    assert answers == [(200, 0)] * CLIENTS  # the fresh office has no cases yet
    with Session(site.engine) as session:
        listed = tokens.list_tokens(site.ctx(session, "hr"))
    assert [t.last_used_at for t in listed if t.name == "burst"] == [site.clock.now()]


def _status(url: str, token: str) -> int:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            r.read()
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def test_forty_clients_in_flight_do_not_stall_the_server(site: Site) -> None:
    # More requests in flight than the pool has connections: each worker thread holds one
    # while the next requests arrive. Were any pooled call made on the event loop (the token
    # look-up, closing a session), the loop would wait for a connection that only the loop
    # can give back: a 30 s stall ending in "QueuePool limit reached" 500s.
    with Session(site.engine, expire_on_commit=False) as session:
        token = tokens.create_token(site.ctx(session, "hr"), {"name": "load"}).token
    urls = [f"{site.url}/api/cases", f"{site.url}/api/findings", f"{site.url}/healthz"] * 200
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(lambda u: _status(u, token), urls))
    assert statuses.count(200) == len(urls), sorted(set(statuses))
