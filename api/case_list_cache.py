"""Pages of the case list kept in memory, each for as long as its office's cases stay put."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from starlette.requests import Request
from starlette.responses import Response

from api.responses import JSONBytes, etag_matches
from compliance.cases.read import ListStamp


class CaseListCache:
    """Serialized pages of the case list, by who may see what, filters and page.

    A page is kept with the office's count of case changes read in the same transaction
    (migration 0003) and served again only while the database still shows
    that count, so a change anyone made, from any process, shows at once. Each process
    keeps its own; the least recently used pages go once their bytes pass `max_bytes`.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def bytes_held(self) -> int:
        """The bytes of all pages kept."""
        return self._bytes

    def get(self, key: Hashable, version: int) -> bytes | None:
        """The page, if it was kept at this count of changes."""
        with self._lock:
            kept = self._pages.get(key)
            if kept is None or kept[0] != version:
                return None
            self._pages.move_to_end(key)
            return kept[1]

    def put(self, key: Hashable, version: int, page: bytes) -> None:
        """Keep the page as read at this count (a newer page of the same key stays)."""
        if len(page) > self.max_bytes:
            return
        with self._lock:
            kept = self._pages.get(key)
            if kept is not None:
                if kept[0] > version:  # a slower request read an older count: keep the newer
                    return
                self._bytes -= len(kept[1])
            self._pages[key] = (version, page)
            self._pages.move_to_end(key)
            self._bytes += len(page)
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._pages.popitem(last=False)
                self._bytes -= len(dropped)


def kept_page(
    request: Request, stamp: ListStamp, filters: Hashable, read: Callable[[], bytes]
) -> Response:
    """A page of the case list with its ETag: 304 if the client already has it, else the page
    kept at the stamp's count, else `read()` (kept for next time)."""
    whose = "office" if stamp.own_staff_id is None else f"staff{stamp.own_staff_id}"
    etag = f'"{stamp.office_id}.{whose}.{stamp.version}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    cache: CaseListCache = request.app.state.case_list_cache
    key = (stamp.office_id, stamp.own_staff_id, filters)
    page = cache.get(key, stamp.version)
    if page is None:
        page = read()
        cache.put(key, stamp.version, page)
    return JSONBytes(page, headers=headers)
