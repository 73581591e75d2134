"""The journeys' page checker (tests/browser/readable.py) finds what it is meant to find."""

from tests.browser.readable import problems


def test_codes_and_reprs_are_found_in_either_language() -> None:
    for lang in ("zh", "en"):
        assert problems("离开及时: left_promptly", lang) == ["raw code 'left_promptly'"]
        assert problems("{'a': 1}", lang)
        assert problems("signback_grace_minutes = 30", lang)


def test_english_words_are_found_in_the_chinese_ui_only() -> None:
    assert problems("第 1 版: written", "zh") == ["English word 'written'"]
    assert problems("revision 1", "en") == []


def test_names_that_are_data_pass() -> None:
    text = "案件 BSW-2026-0012 · R04 · 导出 PDF / CSV / XLSX · bsw-manager · 3f2a9c1d0e · QR"
    assert problems(text, "zh") == []
    assert problems("王五 · 退出 (wang5)", "zh", allow=["wang5"]) == []
