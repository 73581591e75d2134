"""The notes the case services write on steps read in Chinese on Chinese pages and dossiers."""

import pytest

from compliance.cases.labels import action_word, step_note
from compliance.cases.lifecycle import Action
from compliance.cases.models import CaseStatus
from compliance.i18n import gettext
from compliance.names import NAMES


@pytest.mark.parametrize(
    ("note", "zh"),
    [
        ("opened from finding #12", "由线索 #12 立案"),
        ("statement due by 2026-04-03", "申辩截止日期 2026-04-03"),
        ("no statement by 2026-04-03", "截至 2026-04-03 未提交申辩"),
        ("appeal possible until 2026-04-10", "可于 2026-04-10 前申诉"),
        ("recorded by the staff member", "由员工本人提交"),
        ("refused_to_sign", "拒绝签收"),
        ("revision 2 approved as director", "第 2 版处理建议由管理处主任批准"),
        (
            "revision 1 approved as hr; a second approval is needed",
            "第 1 版处理建议由人事批准;还需另一方批准",
        ),
        ("住户撤回投诉", "住户撤回投诉"),  # a person's own words stay as typed
        ("opened from finding #12 and more", "opened from finding #12 and more"),
    ],
)
def test_service_notes_in_chinese(note: str, zh: str) -> None:
    assert step_note(note, "zh") == zh
    assert step_note(note, "en") == note


def test_every_state_and_action_has_a_chinese_name() -> None:
    assert set(NAMES["status"]) == {s.value for s in CaseStatus}
    assert set(NAMES["action"]) == {a.value for a in Action} | {"open"}
    for kind in ("status", "action"):
        for code, msgid in NAMES[kind].items():
            assert gettext("zh", msgid) != msgid, f"{kind} {code!r} has no Chinese name"
    assert action_word("request_statement", "zh") == "要求申辩"
    assert action_word("request_statement", "en") == "request statement"


def test_notes_that_name_codes_read_in_chinese_on_the_case_page() -> None:
    from compliance.cases.labels import step_note

    cases = {
        ("propose", "revision 1: written_warning (standard)"): "第 1 版:书面警告(一般)",
        ("amend", "revision 2: 从轻; 1 approval(s) lapsed"): "第 2 版:从轻;1 项批准已失效",
        ("mark_executed", "revision 1 executed; 2 deduction(s) scheduled"): (
            "第 1 版处理决定已执行;已排定 2 项工资扣款"
        ),
        ("add_evidence", "finding #3 (R05) added"): "补充线索 #3(R05)",
        ("reject_proposal", "revision 1 rejected: 证据不足"): "第 1 版处理建议被驳回:证据不足",
    }
    for (action, note), zh in cases.items():
        assert step_note(note, "zh", action) == zh
        assert step_note(note, "en", action) == note
