"""A step that loses a race on a case is told the state the case is really in now."""

import pytest

from compliance.cases import repository, statement
from compliance.cases.models import Case, CaseStatus
from compliance.clock import FixedClock
from compliance.context import Ctx
from compliance.errors import Conflict
from tests.compliance.cases.helpers import drive
from tests.conftest import NOW


def test_a_stale_step_names_the_state_the_case_moved_to(ctx, office):
    case_id = drive(ctx, office, CaseStatus.OPEN)
    fresh = ctx.session.get(Case, case_id)
    stale = Case.model_validate(fresh.model_dump())  # read before the other step
    hr = Ctx(
        session=ctx.session, actor=office.actor("hr"), clock=FixedClock(NOW), settings=ctx.settings
    )
    statement.request_statement(hr, case_id)
    with pytest.raises(Conflict, match="someone else changed this case first") as caught:
        repository.move(ctx.session, stale, CaseStatus.DISMISSED)
    assert "now awaiting_statement" in str(caught.value)
    assert caught.value.text("zh") == "该案件已有变动，现为：待申辩；请刷新后重试"
