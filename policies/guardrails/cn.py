"""Profile "CN": the statutory guardrails of PRC labour law the office must respect.

- Deductions (《工资支付暂行规定》第十六条): at most 20% of the month's wage, and the wage
  left not below the local minimum wage.
- Economic compensation (《劳动合同法》第四十七条) and the cost of an unlawful dismissal
  (第八十七条).
- Dismissal gates (第四条, 第三十九条, 第四十三条).
The local minimum wage is office data with effective dates: the caller passes the figure.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from policies.guardrails.base import GuardrailProfile
from policies.guardrails.dismissal import Compensation, DismissalFacts, Gate, Risk
from policies.guardrails.months import add_months
from policies.guardrails.schedule import CapBinding, MonthCap
from policies.sanction import OutcomeKind
from policies.text import yuan

PERCENT = 20
# Service before the Labour Contract Law took effect follows the rules then in force (第九十七条).
LCL_IN_FORCE = date(2008, 1, 1)


def _money(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer (fen), got {value!r}")


def disciplinary_deduction_risk() -> Risk:
    """Why a disciplinary wage deduction (R12 扣发当月工资) is a legal risk."""
    return Risk(
        key="disciplinary_wage_deduction",
        text_zh=(
            "扣发工资属于纪律性扣款:1982 年《企业职工奖惩条例》已于 2008 年废止,现行法律没有"
            "明确依据,员工可主张克扣工资并要求补发。规章制度如此规定,本系统照此提出,标记为"
            "法律风险;审批人须记录理由方可批准;执行时仍受每月 20% 上限和最低工资保底限制。"
        ),
        text_en=(
            "A disciplinary wage deduction has no clear legal basis since the 1982 Regulations "
            "on Rewards and Penalties for Enterprise Employees were repealed in 2008; the staff "
            "member may claim it as wages withheld. It is proposed because the rulebook says so "
            "and marked as a legal risk: the approver must record a justification, and it still "
            "obeys the 20% monthly cap and the minimum-wage floor."
        ),
        law_zh="《工资支付暂行规定》第十五条、第十六条;《劳动合同法》第三十条、第八十五条",
        law_en=(
            "Interim Provisions on Wage Payment, arts. 15-16; Labour Contract Law, arts. 30, 85"
        ),
        requires_justification=True,
    )


def dismissal_risk() -> Risk:
    """What a proposed dismissal must withstand (shown with every dismissal proposal)."""
    return Risk(
        key="dismissal",
        text_zh=(
            "以严重违反规章制度解除劳动合同,须证明规章制度经民主程序制定并已公示或告知、"
            "行为达到「严重」程度,并事先通知工会;违法解除须支付经济补偿二倍的赔偿金。"
            "审批前须通过全部解除关卡。"
        ),
        text_en=(
            "Dismissal for a serious violation of the rulebook needs proof that the rulebook was "
            "lawfully made and made known to the staff member, that the breach is serious, and "
            "prior notice to the trade union; an unlawful dismissal costs twice the economic "
            "compensation. Every dismissal gate must pass before approval."
        ),
        law_zh="《劳动合同法》第四条、第三十九条、第四十三条、第八十七条",
        law_en="Labour Contract Law, arts. 4, 39, 43, 87",
        requires_justification=False,
    )


def incompetence_termination_risk() -> Risk:
    """What a termination for incompetence (不能胜任) requires."""
    return Risk(
        key="incompetence_termination",
        text_zh=(
            "不能胜任工作,须经过培训或者调整工作岗位后仍不能胜任,方可提前三十日书面通知或者"
            "额外支付一个月工资后解除,并依法支付经济补偿,事先通知工会。"
        ),
        text_en=(
            "Termination for incompetence is lawful only after training or reassignment has "
            "failed; it needs 30 days' written notice or one month's wage in lieu, statutory "
            "economic compensation, and prior notice to the trade union."
        ),
        law_zh="《劳动合同法》第四十条第(二)项、第四十三条、第四十六条、第四十七条",
        law_en="Labour Contract Law, arts. 40(2), 43, 46, 47",
        requires_justification=False,
    )


def service_length(hire_date: date, end_date: date) -> tuple[int, bool]:
    """Full months of service from hire_date to end_date (both days included), and a rest."""
    if end_date < hire_date:
        raise ValueError(f"end date {end_date} is before hire date {hire_date}")
    stop = end_date + timedelta(days=1)
    months = (stop.year - hire_date.year) * 12 + stop.month - hire_date.month
    if add_months(hire_date, months) > stop:
        months -= 1
    return months, add_months(hire_date, months) < stop


def _months_text(half_months: int) -> str:
    whole, half = divmod(half_months, 2)
    return f"{whole}.5" if half else str(whole)


class CNProfile(GuardrailProfile):
    """Statutory guardrails under PRC labour law."""

    code = "CN"
    version = 1
    effective_from = LCL_IN_FORCE
    title_zh = "中国劳动法保护"
    title_en = "PRC labour-law guardrails"

    def deduction_cap(self, wage_fen: int, min_wage_fen: int) -> MonthCap:
        """At most 20% of the wage, leaving at least the minimum wage (rounded down, fen)."""
        _money(wage_fen, "wage_fen")
        _money(min_wage_fen, "min_wage_fen")
        percent = wage_fen * PERCENT // 100
        above_floor = max(wage_fen - min_wage_fen, 0)
        return MonthCap(
            wage_fen=wage_fen,
            min_wage_fen=min_wage_fen,
            percent_cap_fen=percent,
            above_floor_fen=above_floor,
            cap_fen=min(percent, above_floor),
            # A wage at or below the minimum leaves nothing: the floor is the reason.
            binding=CapBinding.PERCENT
            if 0 < above_floor and percent <= above_floor
            else CapBinding.FLOOR,
        )

    def economic_compensation(
        self,
        hire_date: date,
        end_date: date,
        monthly_wage_fen: int,
        *,
        average_wage_fen: int | None = None,
    ) -> Compensation:
        """第四十七条: a month's wage per year of service; ≥ 6 months counts as a year, < 6 as half.

        `end_date` is the last day of employment; `monthly_wage_fen` the average monthly wage
        of the last twelve months; `average_wage_fen` the local average monthly wage, if known,
        for the cap of three times that wage and twelve years.
        """
        _money(monthly_wage_fen, "monthly_wage_fen")
        months, extra = service_length(hire_date, end_date)
        years, rest = divmod(months, 12)
        half_months = years * 2 + (2 if rest >= 6 else 1 if rest or extra else 0)
        base = monthly_wage_fen
        zh = [
            f"工作年限 {hire_date} 至 {end_date}:{years} 年 {rest} 个月"
            + ("又若干天" if extra else "")
            + ";每满一年支付一个月工资,六个月以上不满一年的按一年计算,不满六个月的支付"
            f"半个月工资,共 {_months_text(half_months)} 个月(《劳动合同法》第四十七条)。"
        ]
        en = [
            f"Service {hire_date} to {end_date}: {years} years {rest} months"
            + (" and some days" if extra else "")
            + "; one month's wage per full year, six months or more counts as a year, less "
            f"than six months as half a month: {_months_text(half_months)} months "
            "(Labour Contract Law, art. 47)."
        ]
        if average_wage_fen is not None:
            _money(average_wage_fen, "average_wage_fen")
            if monthly_wage_fen > 3 * average_wage_fen:
                base = 3 * average_wage_fen
                half_months = min(half_months, 24)
                zh.append(
                    f"月工资高于当地职工月平均工资 {yuan(average_wage_fen)} 的三倍,按 {yuan(base)}"
                    "计算,且最高不超过十二年。"
                )
                en.append(
                    f"The wage exceeds three times the local average wage "
                    f"{yuan(average_wage_fen)}: computed on {yuan(base)}, for at most 12 years."
                )
        else:
            zh.append("未提供当地职工月平均工资,未核对三倍封顶。")
            en.append("No local average wage given: the three-times cap was not checked.")
        amount = half_months * base // 2
        zh.append(f"月工资 {yuan(base)} × {_months_text(half_months)} = {yuan(amount)}。")
        en.append(f"Monthly wage {yuan(base)} × {_months_text(half_months)} = {yuan(amount)}.")
        if hire_date < LCL_IN_FORCE:
            zh.append("2008 年 1 月 1 日前的工作年限按当时的规定计算(第九十七条),须人工复核。")
            en.append(
                "Service before 2008-01-01 follows the rules then in force (art. 97): review."
            )
        return Compensation(
            statutory=True,
            hire_date=hire_date,
            end_date=end_date,
            service_years=years,
            service_months=rest,
            extra_days=extra,
            half_months=half_months,
            monthly_wage_fen=monthly_wage_fen,
            base_wage_fen=base,
            multiplier=1,
            amount_fen=amount,
            explanation_zh=tuple(zh),
            explanation_en=tuple(en),
        )

    def risks_by_outcome(self) -> Mapping[OutcomeKind, Risk]:
        """A disciplinary deduction, a dismissal and a termination for incompetence."""
        return {
            OutcomeKind.WAGE_DEDUCTION: disciplinary_deduction_risk(),
            OutcomeKind.DISMISSAL: dismissal_risk(),
            OutcomeKind.TERMINATION_WITH_NOTICE: incompetence_termination_risk(),
        }

    def dismissal_gates(self, facts: DismissalFacts) -> tuple[Gate, ...]:
        """Rule in force and published; rulebook acknowledged; statement; trade union."""
        return (
            _rule_in_force(facts),
            _acknowledged(facts),
            _statement(facts),
            _union_notified(facts),
            _union_reply(facts),
        )


def _stamp(facts: DismissalFacts, value: object) -> str:
    if isinstance(value, datetime):
        return facts.local(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _rule_in_force(facts: DismissalFacts) -> Gate:
    day = facts.local(facts.incident_at).date()
    in_force = facts.rule_effective_from <= day
    published = facts.rule_published_on < day
    eff, pub = facts.rule_effective_from, facts.rule_published_on
    if in_force and published:
        zh = f"所依据的规则版本 {eff} 起施行、{pub} 公布,均在事发日 {day} 之前。"
        en = f"The rule version relied on took effect {eff} and was published {pub}, before {day}."
    else:
        zh = (
            f"所依据的规则版本 {eff} 起施行、{pub} 公布,事发日为 {day}:"
            + ("尚未施行" if not in_force else "事发前未公布")
            + ",不能以此规则解除。"
        )
        en = (
            f"The rule version relied on took effect {eff} and was published {pub}; the incident "
            f"was on {day}: "
            + ("not yet in force" if not in_force else "not published before the incident")
            + ", so it cannot ground a dismissal."
        )
    return Gate(
        key="rule_in_force",
        passed=in_force and published,
        blocking=True,
        text_zh=zh,
        text_en=en,
        law_zh="《劳动合同法》第四条、第三十九条第(二)项",
        law_en="Labour Contract Law, arts. 4, 39(2)",
    )


def _acknowledged(facts: DismissalFacts) -> Gate:
    ack = facts.rulebook_ack_at
    passed = ack is not None and ack <= facts.incident_at
    if passed:
        zh = f"员工已于 {_stamp(facts, ack)} 签收规章制度,在事发之前。"
        en = f"The rulebook was acknowledged on {_stamp(facts, ack)}, before the incident."
    elif ack is None:
        zh = "没有员工签收规章制度的记录:难以证明规章制度已告知本人(风险,不阻止审批)。"
        en = (
            "No acknowledgement of the rulebook is on record: hard to prove it was made known "
            "(a risk, does not block approval)."
        )
    else:
        zh = f"员工于 {_stamp(facts, ack)} 才签收规章制度,晚于事发(风险,不阻止审批)。"
        en = (
            f"The rulebook was acknowledged only on {_stamp(facts, ack)}, after the incident "
            "(a risk, does not block approval)."
        )
    return Gate(
        key="rulebook_acknowledged",
        passed=passed,
        blocking=False,
        text_zh=zh,
        text_en=en,
        law_zh="《劳动合同法》第四条",
        law_en="Labour Contract Law, art. 4",
    )


def _statement(facts: DismissalFacts) -> Gate:
    done = facts.statement_step_done
    return Gate(
        key="statement",
        passed=done,
        blocking=True,
        text_zh=(
            "员工申辩环节已完成(申辩、拒绝或逾期未申辩均已记录)。"
            if done
            else "员工申辩环节尚未完成:须先听取申辩或记录拒绝、逾期。"
        ),
        text_en=(
            "The statement step is done (statement, refusal or silence recorded)."
            if done
            else "The statement step is not done: hear the staff member or record the refusal."
        ),
        law_zh="《劳动合同法》第三十九条(用人单位对解除事由负举证责任)",
        law_en="Labour Contract Law, art. 39 (the employer must prove the grounds)",
    )


def _union_notified(facts: DismissalFacts) -> Gate:
    sent, eff = facts.union_notified_at, facts.effective_at
    reasons = facts.union_reasons.strip()
    in_time = sent is not None and (eff is None or sent < eff)
    passed = in_time and bool(reasons)
    if passed:
        zh = f"已于 {_stamp(facts, sent)} 将解除理由通知工会,在解除生效之前。"
        en = f"The union was told the reasons on {_stamp(facts, sent)}, before it takes effect."
    elif sent is None:
        zh = "尚未将解除理由通知工会(未建立工会的,通知所在地工会)。"
        en = "The trade union has not been told the reasons (with no union, the local one)."
    elif not reasons:
        zh = "通知工会的记录没有写明解除理由。"
        en = "The notice to the trade union states no reasons."
    else:
        zh = f"通知工会({_stamp(facts, sent)})不早于解除生效({_stamp(facts, eff)})。"
        en = (
            f"The union was notified ({_stamp(facts, sent)}) no earlier than the dismissal took "
            f"effect ({_stamp(facts, eff)})."
        )
    return Gate(
        key="union_notified",
        passed=passed,
        blocking=True,
        text_zh=zh,
        text_en=en,
        law_zh="《劳动合同法》第四十三条",
        law_en="Labour Contract Law, art. 43",
    )


def _union_reply(facts: DismissalFacts) -> Gate:
    sent, reply, eff = facts.union_notified_at, facts.union_reply_at, facts.effective_at
    if reply is None:
        passed = False
        zh = "尚未记录工会的意见。"
        en = "The trade union's reply is not recorded."
    elif sent is None or reply < sent:
        passed = False
        zh = "工会意见的记录早于通知工会,请核对日期。"
        en = "The union's reply is dated before the union was notified: check the dates."
    elif eff is not None and reply > eff:
        passed = False
        zh = f"工会意见({_stamp(facts, reply)})晚于解除生效({_stamp(facts, eff)})。"
        en = f"The union replied ({_stamp(facts, reply)}) after the dismissal took effect."
    else:
        passed = True
        zh = f"已于 {_stamp(facts, reply)} 记录工会意见。"
        en = f"The trade union's reply was recorded on {_stamp(facts, reply)}."
    return Gate(
        key="union_reply",
        passed=passed,
        blocking=True,
        text_zh=zh,
        text_en=en,
        law_zh="《劳动合同法》第四十三条(研究工会意见并书面通知处理结果)",
        law_en="Labour Contract Law, art. 43 (consider the union's view, answer in writing)",
    )


CN = CNProfile()
