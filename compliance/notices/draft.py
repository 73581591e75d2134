"""The notices' text, drafted from the case's facts (facts.py): the decision notice
(处理决定通知书), the deduction notice (扣款通知书) and the notice to the trade union (通知工会,
劳动合同法 第四十三条). Notices are served in Chinese: the text is Chinese whatever the page's
language.
"""

from compliance.notices.facts import UNION_LAW, NoticeFacts, deduction_citations, money_text

CN_NUMBERS = "一二三四五六七八九十"


def _numbered(sections: list[tuple[str, list[str]]]) -> list[str]:
    out: list[str] = []
    for i, (title, lines) in enumerate(sections):
        out.append(f"{CN_NUMBERS[i]}、{title}")
        out.extend(lines)
        out.append("")
    return out


def _who(f: NoticeFacts) -> str:
    parts = [f"工号 {f.employee_no}"]
    if f.team:
        parts.append(f"班组 {f.team}")
    if f.position:
        parts.append(f"岗位 {f.position}")
    return f"{f.staff_name}({','.join(parts)})"


def _addressee(f: NoticeFacts) -> str:
    return f"{_who(f)}:"


def _facts(f: NoticeFacts, you: str = "你") -> list[str]:
    lines = ["经调查核实:"]
    for i, fact in enumerate(f.facts, 1):
        place = f",地点:{fact.place}" if fact.place else ""
        proof = f"(证据:{fact.evidence})" if fact.evidence else ""
        lines.append(f"{i}. {fact.at}{place}:{fact.text}{proof}。")
    if not f.facts:
        lines.append("(本案没有已确认的违规事实。)")
    if f.statement:
        heard = f.statement.replace("你", you)
        lines.append(f"调查中已听取{you}的陈述和申辩:{heard}。")
    return lines


def _rule(f: NoticeFacts) -> list[str]:
    return [
        f"你的上述行为违反了管理处规章制度第 {f.article} 条({f.rule_code}「{f.rule_title}」,"
        f"规则版本 {f.policy_version},{f.effective_from}起施行,{f.published_on}公布):",
        f"「{f.rule_text}」",
    ]


def _outcome_lines(f: NoticeFacts) -> list[str]:
    lines = []
    for i, o in enumerate(f.outcomes, 1):
        amount = f" {money_text(o.amount_fen)}" if o.amount_fen else ""
        note = f"({o.note})" if o.note else ""
        lines.append(f"{i}. {o.label}{amount}{note};")
    if lines:
        lines[-1] = lines[-1].rstrip(";") + "。"
    return lines


def _schedule(f: NoticeFacts) -> list[str]:
    if not f.months:
        if not f.deduct_fen:
            return []
        return [
            f"上述款项合计 {money_text(f.deduct_fen)},按月从你的工资中扣除;每月扣除额不超过当月"
            "工资的 20%,扣除后剩余工资不低于当地最低工资标准;每月扣款数额另行书面通知。",
            *[f"  {note}" for note in f.pay_notes],
        ]
    total = sum(m.amount_fen for m in f.months)
    lines = [
        f"上述款项合计 {money_text(f.deduct_fen)},按月从你的工资中扣除;每月扣除额不超过当月"
        "工资的 20%,扣除后剩余工资不低于当地最低工资标准。扣款计划:"
    ]
    lines += [f"  {m.month}:{money_text(m.amount_fen)}" for m in f.months]
    if total < f.deduct_fen:
        lines.append(f"  其余 {money_text(f.deduct_fen - total)} 在以后月份按同一限额继续扣除。")
    lines += [f"  {note}" for note in f.pay_notes]
    return lines


def _appeal(f: NoticeFacts) -> list[str]:
    until = (
        f"即 {f.appeal_deadline}(含当日)前"
        if f.appeal_deadline
        else "期限最后一日遇法定节假日或休息日的,顺延至其后第一个工作日"
    )
    return [
        f"如对本决定有异议,可自本通知送达之日起 {f.appeal_days} 日内({until}),"
        "向管理处书面提出申诉,写明理由并附相关材料。",
        "申诉期满未申诉,或申诉经复核决定后,本决定生效并执行。",
    ]


def _law(citations: tuple[str, ...]) -> list[str]:
    return [";".join(citations) + "。"] if citations else []


def _signature(f: NoticeFacts, receipt: bool = True) -> list[str]:
    lines = [f"{f.office}(盖章)", f.today, ""]
    if receipt:
        lines += ["签收人:______________    签收日期:______________"]
    return lines


def decision(f: NoticeFacts) -> str:
    """处理决定通知书."""
    head = [f.office, "处理决定通知书", f"案件编号:{f.case_number}", "", _addressee(f), ""]
    outcome = _outcome_lines(f) + _schedule(f)
    if f.severity_reason:
        outcome.insert(0, f"情节认定:{f.severity_reason}。经审批,决定对你作出如下处理:")
    else:
        outcome.insert(0, "经审批,决定对你作出如下处理:")
    body = _numbered(
        [
            ("违规事实", _facts(f)),
            ("处理依据", _rule(f)),
            ("处理决定", outcome),
            ("申诉权利", _appeal(f)),
            ("法律依据", _law(f.citations)),
        ]
    )
    return "\n".join([*head, *body, *_signature(f)]).strip() + "\n"


def deduction(f: NoticeFacts) -> str:
    """扣款通知书: the reason, the amount and the month-by-month schedule."""
    money = [o for o in f.outcomes if o.amount_fen]
    reason = [
        f"{o.label} {money_text(o.amount_fen)}" + (f"({o.note})" if o.note else "") for o in money
    ]
    head = [f.office, "扣款通知书", f"案件编号:{f.case_number}", "", _addressee(f), ""]
    body = _numbered(
        [
            (
                "扣款原因",
                [
                    f"根据案件 {f.case_number} 的处理决定(管理处规章制度第 {f.article} 条"
                    f"「{f.rule_title}」),须从你的工资中扣回以下款项:",
                    *[f"{i}. {r};" for i, r in enumerate(reason, 1)],
                ],
            ),
            ("扣款金额与计划", _schedule(f) or [f"合计 {money_text(f.deduct_fen)}。"]),
            (
                "异议",
                [
                    "如对扣款原因或金额有异议,可在本通知送达之日起 "
                    f"{f.appeal_days} 日内向人事部门书面提出,人事部门将核对后书面答复。"
                ],
            ),
            ("法律依据", _law(deduction_citations(f.outcomes))),
        ]
    )
    return "\n".join([*head, *body, *_signature(f)]).strip() + "\n"


def union(f: NoticeFacts) -> str:
    """通知工会: the reasons for ending the employment, before it takes effect."""
    ends = [o.label for o in f.outcomes if o.kind in ("dismissal", "termination_with_notice")]
    what = "、".join(ends) or "解除劳动合同"
    head = [f.office, "解除劳动合同通知工会函", f"案件编号:{f.case_number}", "", "管理处工会:", ""]
    body = _numbered(
        [
            (
                "拟作处理",
                [
                    f"管理处拟对员工 {_who(f)}作出{what}的处理。依据{UNION_LAW},"
                    "现将理由事先通知工会。"
                ],
            ),
            ("事实", _facts(f, "该员工")),
            ("依据", _rule(f)),
            (
                "请工会提出意见",
                [
                    "请工会审阅上述事实与依据,并书面提出意见;工会认为违反法律、行政法规或者"
                    "劳动合同约定的,管理处将研究工会的意见,并将处理结果书面通知工会。"
                ],
            ),
            ("法律依据", _law(f.citations)),
        ]
    )
    return (
        "\n".join(
            [
                *head,
                *body,
                *_signature(f, receipt=False),
                "工会签收:______________    日期:______________",
            ]
        ).strip()
        + "\n"
    )
