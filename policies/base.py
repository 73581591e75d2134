"""The rulebook's building blocks: policies, their detectors and checklist items, decisions.

Rules are pure: facts and parameters come in as arguments, a decision comes out. A rule
that fails to evaluate yields an `error` decision, never a pass and never an exception.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from policies.canonical import digest, safe_digest
from policies.checklist import Bound, ChecklistItem, ObservedValue
from policies.facts import ChecklistAnswer, FactBundle
from policies.sanction import (
    OutcomeKind,
    SanctionSchedule,
    SanctionStep,
    Severity,
)
from policies.vocab import EvidenceKind, ItemResult

__all__ = [
    "Bound",
    "ChecklistItem",
    "Decision",
    "Detector",
    "EvidenceRef",
    "ObservedValue",
    "Outcome",
    "OutcomeKind",
    "Parameter",
    "Policy",
    "SanctionSchedule",
    "SanctionStep",
    "Severity",
    "breach",
]


class Outcome(StrEnum):
    """The result of evaluating a rule against some facts."""

    PASS = "pass"
    BREACH = "breach"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


@dataclass(frozen=True, order=True)
class EvidenceRef:
    """A pointer to one record a decision relies on."""

    kind: EvidenceKind
    id: int


@dataclass(frozen=True)
class Parameter:
    """A tunable integer of a rule (money in fen, durations in `unit`)."""

    name: str
    default: int
    unit: str
    description_zh: str
    description_en: str
    minimum: int
    maximum: int

    def __post_init__(self) -> None:
        if not self.minimum <= self.default <= self.maximum:
            raise ValueError(f"parameter {self.name!r}: default outside its range")


@dataclass(frozen=True)
class Decision:
    """The explained, reproducible result of evaluating one rule on some evidence."""

    rule_code: str
    rule_version: int
    params_digest: str
    outcome: Outcome
    explanation_zh: str
    explanation_en: str
    evidence: tuple[EvidenceRef, ...]
    staff_id: int | None
    occurred_at: datetime | None
    detector: str
    dedupe_key: str
    input_digest: str
    suggested_severity: Severity | None = None
    observed: dict[str, int] = field(default_factory=dict)
    error: str = ""


DetectorRun = Callable[[FactBundle, Mapping[str, int]], Iterable[Decision]]


@dataclass(frozen=True)
class Detector:
    """Finds breaches of one rule in recorded data (the FactBundle fields in `needs`)."""

    key: str
    rule_code: str
    description_zh: str
    description_en: str
    needs: frozenset[str]
    params: tuple[str, ...]
    run: DetectorRun


def breach(
    *,
    explanation_zh: str,
    explanation_en: str,
    evidence: Iterable[EvidenceRef],
    staff_id: int | None,
    occurred_at: datetime | None,
    dedupe_key: str,
    inputs: object,
    severity: Severity | None = None,
    observed: Mapping[str, int] | None = None,
) -> Decision:
    """Build a breach for a detector; `Policy.detect` stamps the rule, version and digest."""
    return Decision(
        rule_code="",
        rule_version=0,
        params_digest="",
        outcome=Outcome.BREACH,
        explanation_zh=explanation_zh,
        explanation_en=explanation_en,
        evidence=tuple(sorted(set(evidence))),
        staff_id=staff_id,
        occurred_at=occurred_at,
        detector="",
        dedupe_key=dedupe_key,
        input_digest=digest(inputs),
        suggested_severity=severity,
        observed=dict(observed or {}),
    )


def _fail_closed(
    evaluate: Callable[[], Iterable[Decision]], on_error: Callable[[Exception], Decision]
) -> list[Decision]:
    """Run an evaluation; any exception becomes an error decision after what was found."""
    found: list[Decision] = []
    try:
        found.extend(evaluate())
    except Exception as exc:  # fail closed: a rule that cannot be evaluated never passes
        found.append(on_error(exc))
    return found


def _item_text(label: str, result: Outcome, zh: bool) -> str:
    if zh:
        verdict = {Outcome.PASS: "合格", Outcome.BREACH: "不合格"}.get(result, "不适用")
        return f"抽查项目「{label}」:{verdict}"
    verdict_en = {Outcome.PASS: "passed", Outcome.BREACH: "failed"}.get(result, "not applicable")
    return f"Spot-check item '{label}': {verdict_en}"


@dataclass(frozen=True)
class Policy:
    """One versioned rule of the rulebook, with everything needed to apply and explain it."""

    code: str
    version: int
    effective_from: date
    published_on: date
    article: int
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    evidence_kinds: tuple[EvidenceKind, ...]
    checklist: tuple[ChecklistItem, ...]
    parameters: tuple[Parameter, ...]
    detectors: tuple[Detector, ...]
    sanction: SanctionSchedule

    def __post_init__(self) -> None:
        names = {p.name for p in self.parameters}
        if len(names) != len(self.parameters):
            raise ValueError(f"{self.code}: duplicate parameter names")
        for item in self.checklist:
            if item.rule_code != self.code:
                raise ValueError(f"{self.code}: checklist item {item.key} names {item.rule_code}")
            if item.observed is not None and item.observed.limit_param not in names:
                raise ValueError(f"{self.code}: item {item.key} uses an unknown parameter")
        for det in self.detectors:
            if det.rule_code != self.code or not set(det.params) <= names:
                raise ValueError(f"{self.code}: detector {det.key} is inconsistent")

    def resolve_params(self, overrides: Mapping[str, int] | None = None) -> dict[str, int]:
        """Merge overrides into the defaults; reject unknown, non-integer or out-of-range."""
        by_name = {p.name: p for p in self.parameters}
        resolved = {p.name: p.default for p in self.parameters}
        for name, value in (overrides or {}).items():
            param = by_name.get(name)
            if param is None:
                known = ", ".join(sorted(by_name)) or "none"
                raise ValueError(f"{self.code}: unknown parameter {name!r} (known: {known})")
            # bool is an int subclass, but True is never a meaningful threshold.
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(
                    f"{self.code}: parameter {name!r} must be an integer, "
                    f"got {type(value).__name__} {value!r}"
                )
            if not param.minimum <= value <= param.maximum:
                raise ValueError(
                    f"{self.code}: parameter {name!r} = {value} is out of range "
                    f"[{param.minimum}, {param.maximum}] {param.unit}"
                )
            resolved[name] = value
        return resolved

    def params_digest(self, params: Mapping[str, int]) -> str:
        """Digest of the code, version and parameters, recorded with every decision."""
        return digest({"code": self.code, "version": self.version, "params": dict(params)})

    def find_item(self, key: str) -> ChecklistItem:
        """Return this rule's checklist item `key` or raise KeyError."""
        for item in self.checklist:
            if item.key == key:
                return item
        raise KeyError(f"rule {self.code} has no checklist item {key!r}")

    def _error(
        self,
        exc: Exception,
        *,
        params_digest: str,
        detector: str,
        dedupe_key: str,
        input_digest: str,
        staff_id: int | None = None,
        occurred_at: datetime | None = None,
    ) -> Decision:
        message = f"{type(exc).__name__}: {exc}"
        return Decision(
            rule_code=self.code,
            rule_version=self.version,
            params_digest=params_digest,
            outcome=Outcome.ERROR,
            explanation_zh=f"规则 {self.code}({detector})无法判定,需人工核查:{message}",
            explanation_en=(
                f"Rule {self.code} ({detector}) could not be evaluated; review by hand: {message}"
            ),
            evidence=(),
            staff_id=staff_id,
            occurred_at=occurred_at,
            detector=detector,
            dedupe_key=dedupe_key,
            input_digest=input_digest,
            error=message,
        )

    def _safe_params_digest(self, params: Mapping[str, int] | None) -> str:
        try:
            return self.params_digest(self.resolve_params(params))
        except Exception:  # the parameters themselves may be what failed
            return safe_digest({"code": self.code, "version": self.version, "params": params})

    def check_item(
        self, answer: ChecklistAnswer, params: Mapping[str, int] | None = None
    ) -> Decision:
        """Judge one spot-check answer; an observed measurement overrides the tick box."""
        dedupe = (
            f"spot_check_item:{answer.id}"
            if answer.id is not None
            else f"spot_check_item:{safe_digest(answer)[:16]}"
        )

        def on_error(exc: Exception) -> Decision:
            return self._error(
                exc,
                params_digest=self._safe_params_digest(params),
                detector="checklist",
                dedupe_key=dedupe,
                input_digest=safe_digest(answer),
                staff_id=answer.staff_id,
                occurred_at=answer.occurred_at,
            )

        return _fail_closed(lambda: [self._judge_item(answer, params, dedupe)], on_error)[0]

    def _judge_item(
        self, answer: ChecklistAnswer, params: Mapping[str, int] | None, dedupe: str
    ) -> Decision:
        resolved = self.resolve_params(params)
        item = self.find_item(answer.item_key)
        result = ItemResult(answer.result)
        observed: dict[str, int] = {}
        spec = item.observed
        if result is ItemResult.NA:
            outcome = Outcome.NOT_APPLICABLE
            zh, en = (
                _item_text(item.label_zh, outcome, True),
                _item_text(item.label_en, outcome, False),
            )
        elif spec is not None and answer.observed is not None:
            value = answer.observed
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"observed {spec.name} must be a non-negative integer: {value!r}")
            limit = resolved[spec.limit_param]
            outcome = Outcome.BREACH if spec.breaches(value, limit) else Outcome.PASS
            zh_t, en_t = (
                (spec.breach_zh, spec.breach_en)
                if outcome is Outcome.BREACH
                else (spec.pass_zh, spec.pass_en)
            )
            zh, en = (
                zh_t.format(observed=value, limit=limit),
                en_t.format(observed=value, limit=limit),
            )
            ticked = Outcome.BREACH if result is ItemResult.FAIL else Outcome.PASS
            if ticked is not outcome:
                zh += "(检查员勾选与实测值不符,按实测值判定)"
                en += " (the inspector's tick disagreed with the measurement; measurement used)"
            observed[spec.name] = value
        else:
            outcome = Outcome.BREACH if result is ItemResult.FAIL else Outcome.PASS
            zh, en = (
                _item_text(item.label_zh, outcome, True),
                _item_text(item.label_en, outcome, False),
            )
        evidence = (
            (EvidenceRef(EvidenceKind.SPOT_CHECK_ITEM, answer.id),) if answer.id is not None else ()
        )
        return Decision(
            rule_code=self.code,
            rule_version=self.version,
            params_digest=self.params_digest(resolved),
            outcome=outcome,
            explanation_zh=zh,
            explanation_en=en,
            evidence=evidence,
            staff_id=answer.staff_id,
            occurred_at=answer.occurred_at,
            detector="checklist",
            dedupe_key=dedupe,
            input_digest=digest(answer),
            observed=observed,
        )

    def detect(self, bundle: FactBundle, params: Mapping[str, int] | None = None) -> list[Decision]:
        """Run every detector over the facts; return breaches and errors only."""
        try:
            resolved = self.resolve_params(params)
        except ValueError as exc:
            # Bad parameters mean nothing can be judged: one error, not silence.
            return [
                self._error(
                    exc,
                    params_digest=self._safe_params_digest(params),
                    detector="parameters",
                    dedupe_key="error:parameters",
                    input_digest=safe_digest(params),
                )
            ]
        pdigest = self.params_digest(resolved)
        out: list[Decision] = []
        seen: set[str] = set()
        for det in self.detectors:

            def run(det: Detector = det) -> Iterable[Decision]:
                for found in det.run(bundle, resolved):
                    yield replace(
                        found,
                        rule_code=self.code,
                        rule_version=self.version,
                        params_digest=pdigest,
                        detector=det.key,
                    )

            def on_error(exc: Exception, det: Detector = det) -> Decision:
                inputs = {name: getattr(bundle, name, None) for name in sorted(det.needs)}
                return self._error(
                    exc,
                    params_digest=pdigest,
                    detector=det.key,
                    dedupe_key=f"error:{det.key}",
                    input_digest=safe_digest(inputs),
                )

            for decision in _fail_closed(run, on_error):
                # The store keeps one finding per (rule, dedupe key); so does a single run.
                if decision.outcome in (Outcome.BREACH, Outcome.ERROR) and (
                    decision.dedupe_key not in seen
                ):
                    seen.add(decision.dedupe_key)
                    out.append(decision)
        return out
