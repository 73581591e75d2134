"""Pages of the case list kept in memory: by count of changes, least recently used out."""

from api.case_list_cache import CaseListCache
from api.responses import etag_matches


def test_a_page_is_served_only_at_the_count_it_was_read_at():
    cache = CaseListCache(1000)
    cache.put("hr", 3, b"[1]")
    assert cache.get("hr", 3) == b"[1]"
    assert cache.get("hr", 4) is None  # the office's cases changed since
    assert cache.get("staff", 3) is None


def test_a_page_read_at_an_older_count_does_not_replace_a_newer_one():
    cache = CaseListCache(1000)
    cache.put("hr", 5, b"[new]")
    cache.put("hr", 4, b"[old]")  # a slower request that began before the change
    assert cache.get("hr", 5) == b"[new]"
    cache.put("hr", 6, b"[newer]")
    assert cache.get("hr", 6) == b"[newer]"
    assert cache.bytes_held == len(b"[newer]")


def test_least_recently_used_pages_go_first_when_memory_runs_out():
    cache = CaseListCache(10)
    cache.put("a", 1, b"aaaa")
    cache.put("b", 1, b"bbbb")
    assert cache.get("a", 1) == b"aaaa"  # a is now the more recently used
    cache.put("c", 1, b"cccc")
    assert cache.get("b", 1) is None
    assert cache.get("a", 1) == b"aaaa"
    assert cache.get("c", 1) == b"cccc"
    assert cache.bytes_held == 8


def test_nothing_is_kept_when_there_is_no_room():
    cache = CaseListCache(0)
    cache.put("a", 1, b"[]")
    assert cache.get("a", 1) is None
    assert cache.bytes_held == 0
    big = CaseListCache(3)
    big.put("a", 1, b"[1,2]")  # larger than all the room there is
    assert big.get("a", 1) is None


def test_if_none_match_names_the_etag_weakly_or_by_star():
    assert etag_matches('"1.0.7"', '"1.0.7"')
    assert etag_matches('"x", W/"1.0.7"', '"1.0.7"')
    assert etag_matches("*", '"1.0.7"')
    assert not etag_matches('"1.0.6"', '"1.0.7"')
    assert not etag_matches(None, '"1.0.7"')
    assert not etag_matches("", '"1.0.7"')
