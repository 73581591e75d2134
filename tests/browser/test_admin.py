"""The administrator: a city's minimum wage, adding and disabling users, verifying the audit
chain."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlmodel import col

from compliance.accounts.auth_models import AuthSession
from compliance.accounts.models import User
from compliance.audit.models import AuditEvent, AuditHead
from compliance.pay.models import MinimumWage
from tests.browser.conftest import Pages, Site
from tests.browser.helpers import all_of, one, screenshot, sign_in

pytestmark = pytest.mark.browser
NOTE = "深人社规〔2026〕3号"


def test_the_admin_sets_a_minimum_wage_manages_users_and_verifies_the_chain(
    site: Site, pages: Pages
) -> None:
    assert site.office is not None
    staff2 = site.office.users["staff2"]
    # A staff member is signed in on their phone while the administrator works.
    colleague = pages.open(phone=True)
    sign_in(colleague, site.url, "bsw-staff2")
    colleague.goto(f"{site.url}/me")
    expect(colleague.locator("h1")).to_have_text("我的线索和案件")

    admin = pages.open()
    sign_in(admin, site.url, "bsw-admin")
    admin.locator("nav.menu a[href='/admin']").click()
    expect(admin.locator("h1")).to_contain_text("系统管理")

    # A minimum wage for the office's city from a date on (typed in yuan, kept in fen).
    form = admin.locator("form[action='/admin/minimum-wages']")
    expect(form.locator("#city")).to_have_value("深圳")
    form.locator("#amount").fill("2,520")
    form.locator("#mw-from").fill("2026-07-01")
    form.locator("#note").fill(NOTE)
    form.get_by_role("button", name="记录最低工资").click()
    expect(admin).to_have_url(re.compile(r"/admin\?done=minwage#minwage$"))
    expect(admin.locator(".alert.ok")).to_have_text("已保存。")
    row = admin.locator("#minwage tbody tr", has_text=NOTE)
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text(["深圳", "2026-07-01", "¥2,520.00", NOTE])
    wage = one(site.engine, select(MinimumWage).where(col(MinimumWage.note) == NOTE))
    assert (wage.city, wage.monthly_fen, wage.effective_from) == ("深圳", 252_000, date(2026, 7, 1))
    assert wage.created_by == site.office.users["admin"].id

    # A new cashier account.
    admin.locator("#users summary", has_text="新增用户").click()
    admin.locator("#username").fill("bsw-cashier2")
    admin.locator("#display_name").fill("出纳二")
    admin.locator("#role").select_option("cashier")
    admin.get_by_role("button", name="新增用户").click()
    expect(admin.locator(".alert.ok")).to_have_text("已保存。")
    added = one(site.engine, select(User).where(col(User.username) == "bsw-cashier2"))
    assert (added.role, added.display_name, added.active) == ("cashier", "出纳二", True)
    assert (added.staff_id, added.is_director) == (None, False)
    new_row = admin.locator(f"#user-{added.id}")
    expect(new_row).to_contain_text("出纳二")
    expect(new_row).to_contain_text("bsw-cashier2")
    expect(new_row.locator("td").nth(2)).to_have_text("正常")

    # The new cashier can sign in once the admin has set a first password.
    admin.locator("#users summary", has_text="设置密码").click()
    admin.locator("#password-user").select_option(str(added.id))
    admin.locator("#new_password").fill("first-password-2026")
    admin.get_by_role("button", name="设置密码").click()
    expect(admin.locator(".alert.ok")).to_have_text("已保存。")
    cashier = pages.open(phone=True)
    sign_in(cashier, site.url, "bsw-cashier2", "first-password-2026")

    # Disabling the staff member ends their open session: the next page is the sign-in form.
    target = admin.locator(f"#user-{staff2.id}")
    target.get_by_role("button", name="停用").click()
    expect(admin.locator(".alert.ok")).to_have_text("已保存。")
    target = admin.locator(f"#user-{staff2.id}")
    expect(target.locator("td").nth(2)).to_have_text("已停用")
    expect(target.get_by_role("button", name="启用")).to_be_visible()
    screenshot(admin, "33-admin-users")
    assert one(site.engine, select(col(User.active)).where(col(User.id) == staff2.id)) is False
    sessions = all_of(site.engine, select(AuthSession).where(col(AuthSession.user_id) == staff2.id))
    assert sessions and all(s.revoked_at is not None for s in sessions)

    colleague.reload()
    expect(colleague).to_have_url(re.compile(r"/login"))
    expect(colleague.locator("#username")).to_be_visible()
    expect(colleague.locator("nav.menu")).to_have_count(0)
    screenshot(colleague, "34-disabled-user-signed-out-phone")

    # The audit chain holds every change above, and verifies intact.
    admin.get_by_role("button", name="核验审计链").click()
    expect(admin).to_have_url(re.compile(r"/admin/audit/verify\??$"))
    result = admin.locator("#chain-result")
    expect(result).to_contain_text("审计链完整。")
    events = one(site.engine, select(func.count()).select_from(AuditEvent))
    head = one(site.engine, select(AuditHead))
    assert events >= 3 and head.seq == events
    expect(result).to_contain_text(f"#{head.seq}")
    expect(result.locator("code")).to_have_text(head.hash[:16])
    expect(result).to_contain_text(str(events))
    screenshot(admin, "35-audit-chain-intact", full_page=False)
    actions = all_of(site.engine, select(col(AuditEvent.action)).order_by(col(AuditEvent.seq)))
    assert actions[-5:] == [
        "minimum_wage.set",
        "user.created",
        "user.password_set",
        "auth.signed_in",
        "user.disabled",
    ], actions
