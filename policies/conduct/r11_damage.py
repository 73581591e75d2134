"""R11 — damage to a resident's property is compensated at its price, plus discipline."""

from collections.abc import Iterator, Mapping

from policies.base import Decision, Detector, EvidenceRef, Parameter, Policy, Severity, breach
from policies.conduct import EFFECTIVE_FROM, PUBLISHED_ON
from policies.draft import SEVERITY_ZH, Draft, names
from policies.facts import FactBundle
from policies.sanction import OutcomeKind, SanctionSchedule, SanctionStep
from policies.text import yuan
from policies.vocab import EvidenceKind

CODE = "R11"


def _run(bundle: FactBundle, params: Mapping[str, int]) -> Iterator[Decision]:
    serious_fen = params["serious_damage_fen"]
    for damage in bundle.damages:
        value = damage.assessed_value_fen
        if value is None:
            severity = Severity.STANDARD
            zh_value, en_value = "价值尚待评估", "its value is not yet assessed"
        else:
            severity = Severity.SERIOUS if value >= serious_fen else Severity.STANDARD
            zh_value, en_value = f"评估价值 {yuan(value)}", f"assessed at {yuan(value)}"
            if severity is Severity.SERIOUS:
                zh_value += f",不低于 {yuan(serious_fen)},建议按情节严重处理"
                en_value += f", at least {yuan(serious_fen)}: suggested serious"
        yield breach(
            # No date in the text: rules know UTC only, and the record shows the local time.
            explanation_zh=f"损坏住户财物:{damage.item},{zh_value}(损坏记录 #{damage.id})。",
            explanation_en=(
                f"Damaged the resident's {damage.item}, {en_value} (damage incident #{damage.id})."
            ),
            evidence=[EvidenceRef(EvidenceKind.DAMAGE, damage.id)],
            staff_id=damage.staff_id,
            occurred_at=damage.occurred_at,
            dedupe_key=f"damage:{damage.id}",
            inputs=damage,
            severity=severity,
            observed={"assessed_value_fen": value} if value is not None else None,
        )


def handle_sanction(d: Draft) -> None:
    """Compensation at the assessed value, plus a disciplinary step by severity."""
    d.kinds = d.match(None)
    value = d.facts.compensation_fen
    d.amounts[OutcomeKind.COMPENSATION] = value
    step = [k for k in d.kinds if k is not OutcomeKind.COMPENSATION]
    sev_zh, sev_en = SEVERITY_ZH[d.severity], d.severity.value
    if value is None:
        d.need(
            "compensation_fen",
            "照价赔偿须先评估损坏财物的价值(评估依据:发票或报价)。",
            "Compensation needs the assessed value of the damaged property (receipt or quote).",
        )
        d.say(
            f"照价赔偿:价值尚待评估;情节{sev_zh}:{names(step, True)}。",
            f"Compensation: value not yet assessed; {sev_en}: {names(step, False)}.",
        )
    else:
        d.say(
            f"照价赔偿评估价值 {yuan(value)};情节{sev_zh}:{names(step, True)}。",
            f"Compensation at the assessed value {yuan(value)}; {sev_en}: {names(step, False)}.",
        )
        threshold = d.params.get("serious_damage_fen")
        if threshold is not None and value >= threshold:
            d.suggest_serious(
                f"损坏价值 {yuan(value)} 不低于 {yuan(threshold)}",
                f"the damage of {yuan(value)} is at least {yuan(threshold)}",
            )


SANCTION = SanctionSchedule(
    text_zh="照价赔偿,并视情形对责任人进行处理:轻微口头警告,一般书面警告,严重最后书面警告。",
    text_en=(
        "Compensation at the assessed price, plus a disciplinary step by severity: minor "
        "verbal warning, standard written warning, serious final written warning."
    ),
    steps=(
        SanctionStep((OutcomeKind.COMPENSATION, OutcomeKind.WRITTEN_WARNING)),
        SanctionStep(
            (OutcomeKind.COMPENSATION, OutcomeKind.VERBAL_WARNING), severity=Severity.MINOR
        ),
        SanctionStep(
            (OutcomeKind.COMPENSATION, OutcomeKind.FINAL_WRITTEN_WARNING),
            severity=Severity.SERIOUS,
        ),
    ),
    handler=handle_sanction,
)


POLICY = Policy(
    code=CODE,
    version=1,
    effective_from=EFFECTIVE_FROM,
    published_on=PUBLISHED_ON,
    article=11,
    title_zh="损坏财物照价赔偿",
    title_en="Damage to residents' property",
    text_zh="工作人员若损坏业主(住户)财物,应照价赔偿,并视情形对责任人进行处罚。",
    text_en=(
        "Staff who damage a resident's property pay compensation at its price, and the "
        "person responsible is disciplined as the circumstances warrant."
    ),
    evidence_kinds=(EvidenceKind.DAMAGE,),
    checklist=(),
    parameters=(
        Parameter(
            name="serious_damage_fen",
            default=200_000,
            unit="fen",
            description_zh="损坏价值达到此金额时建议按情节严重处理",
            description_en="Assessed value from which the damage is suggested as serious",
            minimum=0,
            maximum=100_000_000,
        ),
    ),
    detectors=(
        Detector(
            key="damage_recorded",
            rule_code=CODE,
            description_zh="每一宗记录的损坏事件",
            description_en="Every recorded damage incident",
            needs=frozenset({"damages"}),
            params=("serious_damage_fen",),
            run=_run,
        ),
    ),
    sanction=SANCTION,
)
