"""Realistic cases for dossier tests and the benchmark: evidence with photos, a tip line,
feedback, a statement, a money outcome with instalments, notices and notes; and a case that
stores every kind of code the dossier names in words."""

import io
import random
from datetime import timedelta
from typing import Any

from PIL import Image, ImageDraw

from compliance.attendance.service import record_punch
from compliance.cases import annotations
from compliance.cases import appeal as case_appeal
from compliance.cases import decision as case_decision
from compliance.cases import notice as case_notice
from compliance.cases import statement as case_statement
from compliance.context import Ctx
from compliance.damages.service import record_damage, set_valuation
from compliance.feedback.service import record_feedback
from compliance.files.service import store_image
from compliance.findings.service import confirm, raise_manual
from compliance.flows import execute as case_execute
from compliance.flows import open_case
from compliance.flows import propose as case_propose
from compliance.flows.settle_damage import settle
from compliance.flows.spot_checks import record_spot_check
from compliance.overtime.service import decide_overtime, request_overtime
from compliance.pay.service import seed_example_minimum_wage
from compliance.tips.service import record_tip_with_handover
from compliance.visits.service import create_visit
from tests.conftest import as_role
from tests.factories import OfficeSet

DAY = timedelta(days=1)


def photo_bytes(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A phone-sized JPEG with some structure (not a flat colour that compresses to nothing)."""
    rnd = random.Random(seed)
    img = Image.new("RGB", size, (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    draw = ImageDraw.Draw(img)
    for _ in range(60):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        draw.rectangle([x, y, x + rnd.randrange(50, 400), y + rnd.randrange(50, 300)], fill=colour)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def typical_case(
    ctx: Ctx,
    office: OfficeSet,
    *,
    feedback: int = 8,
    photos: int = 3,
    hostile: str = "",
    staff: int = 0,
    execute: bool = True,
) -> int:
    """An R12 case (a concealed tip) with a spot check joined to it, taken to `executed`.

    Evidence: one spot check with `photos` photos, one tip line, `feedback` resident
    reports (the first reports the tip). `hostile` is put into feedback text, a spot-check
    note and an annotation.
    """
    mgr, hr = as_role(ctx, office, "manager"), as_role(ctx, office, "hr")
    # HR proposes and amends; the second HR reviewer approves (never the proposer).
    approver = as_role(ctx, office, "hr2")
    # The subject's own login where there is one; otherwise HR takes the statement on paper.
    subject = as_role(ctx, office, {0: "staff", 1: "staff2"}.get(staff, "hr"))
    sid = office.staff[staff].id
    unit = office.units[0].id
    now = ctx.clock.now()
    seed_example_minimum_wage(ctx.session, now)
    files = [store_image(mgr, photo_bytes(i), f"p{i}.jpg") for i in range(photos)]
    check = record_spot_check(
        mgr,
        {
            "staff_id": sid,
            "unit_id": unit,
            "checked_at": now - 4 * DAY,
            "notes": f"抽查时发现在业主会所看电视。住户电话 13912345678。{hostile}",
            "items": [{"item_key": "no_facility_use", "result": "fail", "note": hostile[:400]}],
            "photos": [{"file_id": f.id, "item_key": "no_facility_use"} for f in files],
        },
    )
    tip = record_tip_with_handover(
        as_role(ctx, office, "cashier"),
        {
            "staff_id": sid,
            "unit_id": unit,
            "amount_fen": 20_000,
            "received_at": now - 6 * DAY,
            "countersigned_by": office.users["manager"].id,
            "handed_over_at": now - 5 * DAY,
        },
    )
    refs: list[dict[str, Any]] = [{"kind": "tip_line", "id": tip.id}]
    for i in range(feedback):
        fb = record_feedback(
            mgr,
            {
                "staff_id": sid,
                "unit_id": office.units[i % len(office.units)].id,
                "channel": "visit",
                "category": "tip_reported",
                "text": f"住户反映第 {i + 1} 次:维修后塞给师傅红包,未见上交。{hostile}",
                "amount_fen": 20_000 if i == 0 else None,
                "occurred_at": now - 5 * DAY + i * (4 * DAY / max(feedback, 1)),
            },
        )
        refs.append({"kind": "feedback", "id": fb.id})
    # A manual finding cites at most 50 records: a long history becomes several findings.
    finding_ids = [
        raise_manual(
            mgr,
            {
                "rule_code": "R12",
                "staff_id": sid,
                "occurred_at": now - 5 * DAY,
                "note": "住户反映收受小费未上交",
                "evidence": refs[start : start + 50],
            },
        ).id
        for start in range(0, len(refs), 50)
    ]
    case_id = open_case.confirm_into_case(mgr, finding_ids[0], "属实").id
    for fid in finding_ids[1:]:
        confirm(mgr, fid, {"reason": "属实"})
        open_case.add_evidence(mgr, case_id, fid)
    for fid in check.finding_ids:
        confirm(mgr, fid, {"reason": "抽查属实"})
        open_case.add_evidence(mgr, case_id, fid)
    case_statement.request_statement(hr, case_id)
    case_statement.submit_statement(subject, case_id, f"我当时忘记上交,第二天已补交。{hostile}")
    case_propose.propose(hr, case_id, "standard", "初次违反,金额不大")
    case_decision.amend(
        hr,
        case_id,
        [
            {"kind": "restitution", "amount_fen": 20_000, "note": "退还所收小费"},
            {"kind": "wage_deduction", "amount_fen": 500_000, "note": "扣发当月工资"},
            {"kind": "written_warning"},
        ],
        "按员工守则第十二条:上交小费并扣发当月工资",
    )
    if not execute:
        return case_id
    case_decision.approve(approver, case_id, "依员工守则第十二条处理;扣发工资存在法律风险,已知悉")
    case_notice.serve_notice(hr, case_id, "处理决定通知书:扣发当月工资并退还小费。")
    if subject.actor.role == "staff":
        case_notice.acknowledge(subject, case_id)
    else:
        case_notice.record_ack_refusal(hr, case_id, ["保安 李见证"], place="管理处办公室")
    ctx.clock.advance(8 * DAY)  # type: ignore[attr-defined]
    case_appeal.finalize(hr, case_id)
    case_execute.mark_executed(hr, case_id)
    annotations.annotate(hr, case_id, f"已归档。{hostile}")
    return case_id


def coded_case(ctx: Ctx, office: OfficeSet, appeal_outcome: str) -> int:
    """The typical case plus a record of every other kind, taken through an appeal to executed.

    Each record stores a code the dossier must print as a word: a visit's kind, a damage's
    valuation basis and settlement, a punch's kind and source, an overtime decision, a
    return visit's rating; then an approval's capacity, a notice's kind, a refusal to sign,
    the appeal's outcome (`varied` gives new outcomes) and the deductions' kinds. The
    users' display names are Chinese, so a role code printed anywhere is a stored code.
    """
    names = {
        "manager": "吴经理",
        "director": "周主任",
        "hr": "陈人事",
        "hr2": "林人事",
        "staff": "李明",
    }
    for key, user in office.users.items():
        user.display_name = names.get(key, f"用户{user.id}")
    ctx.session.flush()
    case_id = typical_case(ctx, office, feedback=1, photos=0, execute=False)
    mgr, hr = as_role(ctx, office, "manager"), as_role(ctx, office, "hr")
    director, subject = as_role(ctx, office, "director"), as_role(ctx, office, "staff")
    sid, unit = office.staff[0].id, office.units[1].id
    now = ctx.clock.now()
    visit = create_visit(
        mgr,
        {
            "staff_id": sid,
            "unit_id": unit,
            "kind": "installation",
            "description": "安装晾衣架",
            "requested_at": now - 3 * DAY,
        },
    )
    damage = record_damage(
        mgr,
        {"staff_id": sid, "unit_id": unit, "item": "晾衣杆", "occurred_at": now - 3 * DAY},
    )
    set_valuation(mgr, damage.id, {"assessed_value_fen": 12_000, "basis": "receipt"})
    settle(mgr, damage.id, {"settlement": "paid_directly", "settled_at": now - 2 * DAY})
    punch = record_punch(mgr, {"staff_id": sid, "kind": "check_in", "at": now - 3 * DAY})
    overtime = request_overtime(
        mgr,
        {"staff_id": sid, "unit_id": unit, "reason": "住户要求加班", "requested_at": now - 3 * DAY},
    )
    decide_overtime(
        director, overtime.id, {"decision": "approved", "rearranged_others": True, "note": ""}
    )
    rating = record_feedback(
        mgr,
        {
            "staff_id": sid,
            "unit_id": unit,
            "channel": "return_visit",
            "category": "attitude",
            "satisfaction": "unsatisfied",
            "text": "回访:安装后未清理现场",
            "occurred_at": now - 2 * DAY,
        },
    )
    finding = raise_manual(
        mgr,
        {
            "rule_code": "R04",
            "staff_id": sid,
            "occurred_at": now - 3 * DAY,
            "note": "回访不满意",
            "evidence": [
                {"kind": "visit", "id": visit.id},
                {"kind": "damage", "id": damage.id},
                {"kind": "attendance", "id": punch.id},
                {"kind": "overtime", "id": overtime.id},
                {"kind": "feedback", "id": rating.id},
            ],
        },
    )
    confirm(mgr, finding.id, {"reason": "属实"})
    open_case.add_evidence(mgr, case_id, finding.id)
    approver = as_role(ctx, office, "hr2")  # never the proposer, HR
    case_decision.approve(approver, case_id, "依员工守则第十二条处理;扣发工资存在法律风险,已知悉")
    case_notice.serve_notice(hr, case_id, "处理决定通知书:扣发当月工资并退还小费。")
    case_notice.record_ack_refusal(hr, case_id, ["保安 李见证"], place="管理处办公室")
    case_appeal.appeal(subject, case_id, "我已补交小费,扣发工资过重。")
    varied = [{"kind": "restitution", "amount_fen": 20_000, "note": "退还所收小费"}]
    case_appeal.decide_appeal(
        director,
        case_id,
        appeal_outcome,
        "已补交,改为只退还小费",
        outcomes=varied if appeal_outcome == "varied" else None,
    )
    case_appeal.finalize(hr, case_id)
    case_execute.mark_executed(hr, case_id)
    return case_id
