"""The rulebook: every rule's text, article, versions, parameters, checklist and sanctions."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import CtxDep, signed_in
from api.i18n import N_, Translator, translator
from api.templating import render
from compliance.policy_params.rulebook import rulebook
from policies.base import Parameter

router = APIRouter(include_in_schema=False)

# Each parameter's short name as a reader calls it; its stored key never shows.
PARAM_NAMES: dict[str, str] = {
    "signback_grace_minutes": N_("Grace period to sign back"),
    "max_ring_seconds": N_("Longest ring"),
    "min_ring_gap_seconds": N_("Shortest gap between rings"),
    "linger_minutes": N_("Longest stay after the job"),
    "incompetent_reports": N_("Reports of incompetence"),
    "distinct_households": N_("Distinct households"),
    "window_days": N_("Counting window"),
    "serious_damage_fen": N_("Damage value counted as serious"),
    "handover_grace_hours": N_("Time to hand a tip over"),
    "serious_tip_fen": N_("Concealed tip counted as serious"),
    "serious_amount_fen": N_("Amount counted as serious"),
}


def param_name(prm: Parameter, lang: str) -> str:
    """The parameter's short name in the language; its description if it has none yet."""
    msgid = PARAM_NAMES.get(prm.name)
    if msgid is not None:
        return Translator(lang)(msgid)
    return prm.description_zh if lang == "zh" else prm.description_en


@router.get("/rules", dependencies=[signed_in])
def rules(request: Request, ctx: CtxDep) -> Response:
    """The rules in article order as the office applies them today."""
    lang = translator(request).lang
    return render(
        request,
        "pages/rules.html",
        {"rules": rulebook(ctx), "param_name": lambda prm: param_name(prm, lang)},
    )
