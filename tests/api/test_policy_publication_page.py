"""Issue 11 item 2 on the admin page and the JSON API: a past effective date is refused."""

from sqlalchemy import func, select

from api.pages.admin import RETROACTIVE
from compliance.policy_params.models import PolicyVersion
from compliance.policy_params.service import RETROACTIVE as DOMAIN_REASON


def _versions(session) -> int:
    return session.execute(select(func.count()).select_from(PolicyVersion)).scalar_one()


def test_the_admin_form_refuses_a_past_day_in_chinese_and_keeps_the_input(browser, session):
    assert RETROACTIVE == DOMAIN_REASON  # the page's msgid is the domain's reason
    admin = browser("admin")
    page = admin.client.get("/admin").text
    assert "最早为明天" in page and "《劳动合同法》第四条" in page  # said before it is refused
    # The test clock stands at 2026-03-31 12:00 in Shanghai: the 31st has begun.
    for day in ("2026-03-01", "2026-03-31"):
        r = admin.post(
            "/admin/rules/R08",
            {"p_linger_minutes": "5", "effective_from": day, "reason": "收紧"},
        )
        assert r.status_code == 422
        assert "《劳动合同法》第四条" in r.text and "公示或告知" in r.text
        assert "Labour Contract Law" not in r.text
        assert f'value="{day}"' in r.text and "收紧" in r.text  # nothing typed is lost
    assert _versions(session) == 0
    r = admin.post(
        "/admin/rules/R08",
        {"p_linger_minutes": "5", "effective_from": "2026-04-01", "reason": "收紧"},
    )
    assert r.status_code == 303 and _versions(session) == 1
