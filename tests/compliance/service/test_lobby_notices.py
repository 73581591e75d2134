"""A majority issue opens a lobby notice (第2篇 4、(4)): more than half of the households
visited in the month (a building's, or the estate's) raising the same topic, at least three;
exactly half is not a majority. One notice per scope, topic and month; posting needs the text
and a photo of the notice on the board."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from sqlmodel import col

from compliance.context import Ctx
from compliance.errors import Conflict, Forbidden, ValidationFailed
from compliance.service import lobby
from compliance.service.models import LobbyNotice
from tests.compliance.service.helpers_visits import add_units, front_desk, visit
from tests.conftest import as_role

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 on Monday 2 March in Shanghai
TOPIC = "电梯噪音"


def _notices(ctx) -> list[LobbyNotice]:
    return list(
        ctx.session.execute(
            select(LobbyNotice)
            .where(col(LobbyNotice.office_id) == ctx.actor.office_id)
            .order_by(col(LobbyNotice.id))
        ).scalars()
    )


@pytest.mark.parametrize(
    ("raising", "visited", "majority"),
    [(3, 6, False), (4, 7, True), (4, 8, False), (5, 8, True), (2, 2, False), (3, 3, True),
     (3, 5, True), (0, 0, False)],
)  # fmt: skip
def test_more_than_half_and_at_least_three(raising, visited, majority):
    assert lobby.is_majority(raising, visited) is majority


def _building_nine(ctx, office, session):
    """Eight households visited elsewhere without the topic; 9栋 has eight units."""
    for i, unit in enumerate(office.units + add_units(session, office, "8栋", 4)):
        visit(ctx, unit, T + timedelta(minutes=i))
    return add_units(session, office, "9栋", 8)


def test_exactly_half_of_a_building_is_not_a_majority_one_more_is(ctx, office, session):
    nine = _building_nine(ctx, office, session)
    at = T + timedelta(hours=1)
    for i, unit in enumerate(nine[:3]):
        visit(ctx, unit, at + timedelta(minutes=i), topic=("绿化", "停车", "")[i])
    for i, unit in enumerate(nine[3:6]):
        visit(ctx, unit, at + timedelta(minutes=10 + i), topic="电梯 噪音")
    assert _notices(ctx) == []  # 3 of the 6 households of 9栋 visited: half
    tipping = visit(ctx, nine[6], at + timedelta(minutes=20), topic="电梯噪音。")
    (notice,) = _notices(ctx)
    assert (notice.building, notice.topic) == ("9栋", TOPIC)
    assert (notice.households_raising, notice.households_visited) == (4, 7)
    assert notice.households_total == 8
    assert notice.detected_at == tipping.visited_at
    assert notice.posted_at is None


def test_one_notice_per_building_topic_and_month(ctx, office, session):
    nine = _building_nine(ctx, office, session)
    for i, unit in enumerate(nine[:4]):
        visit(ctx, unit, T + timedelta(hours=1, minutes=i), topic=TOPIC)
    assert len(_notices(ctx)) == 1
    visit(ctx, nine[4], T + timedelta(hours=2), topic=TOPIC)
    visit(ctx, nine[0], T + timedelta(hours=3), topic=TOPIC)  # the same household again
    assert lobby.detect_month(ctx, date(2026, 3, 1)) == []
    assert len(_notices(ctx)) == 1
    # Another month is another notice.
    visits_feb = [T - timedelta(days=20) + timedelta(minutes=i) for i in range(3)]
    for unit, at in zip(nine[5:8], visits_feb, strict=True):
        visit(ctx, unit, at, topic=TOPIC)
    assert [n.detected_at.month for n in _notices(ctx)] == [3, 2]


def test_a_household_raising_it_twice_counts_once(ctx, office, session):
    nine = add_units(session, office, "9栋", 3)
    for minutes in (0, 1, 2):
        visit(ctx, nine[0], T + timedelta(minutes=minutes), topic=TOPIC)
    visit(ctx, nine[1], T + timedelta(minutes=3), topic=TOPIC)
    assert _notices(ctx) == []  # two households, however many visits
    visit(ctx, nine[2], T + timedelta(minutes=4), topic=TOPIC)
    (notice,) = _notices(ctx)
    assert notice.households_raising == 3 and notice.building == ""  # also most of the estate


def test_the_estate_notice_covers_every_building(ctx, office):
    a1, a2, b1, b2 = office.units  # 1栋 101, 102; 2栋 103, 104
    visit(ctx, a1, T, topic=TOPIC)
    visit(ctx, b1, T + timedelta(minutes=1), topic=TOPIC)
    visit(ctx, b2, T + timedelta(minutes=2), topic="停车")
    assert _notices(ctx) == []  # 2 of 3: fewer than three households
    visit(ctx, a2, T + timedelta(minutes=3), topic=TOPIC)
    (notice,) = _notices(ctx)
    assert notice.building == ""
    assert (notice.households_raising, notice.households_visited) == (3, 4)
    assert notice.households_total == 4


def test_late_entered_visits_are_checked_in_the_order_they_happened(ctx, office, session):
    nine = _building_nine(ctx, office, session)
    times = [T + timedelta(hours=5 - i) for i in range(4)]  # entered newest first
    for unit, at in zip(nine[:4], times, strict=True):
        visit(ctx, unit, at, topic=TOPIC)
    (notice,) = _notices(ctx)
    assert notice.detected_at == T + timedelta(hours=5)  # the latest: the fourth in time


def test_the_office_head_is_responsible(ctx, office, session):
    office.users["director"].staff_id = office.staff[1].id
    session.flush()
    nine = add_units(session, office, "9栋", 3)
    for i, unit in enumerate(nine):
        visit(ctx, unit, T + timedelta(minutes=i), topic=TOPIC)
    assert _notices(ctx)[0].responsible_staff_id == office.staff[1].id


def test_without_any_manager_staff_record_nobody_is_named(ctx, office, session):
    nine = add_units(session, office, "9栋", 3)
    for i, unit in enumerate(nine):
        visit(ctx, unit, T + timedelta(minutes=i), topic=TOPIC)
    assert _notices(ctx)[0].responsible_staff_id is None


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 90)).save(out, "JPEG")
    return out.getvalue()


def _one_notice(ctx, session, office) -> LobbyNotice:
    nine = add_units(session, office, "9栋", 3)
    for i, unit in enumerate(nine):
        visit(ctx, unit, T + timedelta(minutes=i), topic=TOPIC)
    return _notices(ctx)[0]


def test_days_left_and_overdue_after_seven_days(ctx, office, session):
    notice = _one_notice(ctx, session, office)
    due = notice.detected_at + timedelta(days=7)
    ctx.clock.current = due
    (shown,) = lobby.open_notices(ctx)
    assert (shown.days_left, shown.overdue) == (0, False)
    ctx.clock.current = due + timedelta(minutes=1)
    (shown,) = lobby.open_notices(ctx)
    assert shown.overdue
    ctx.clock.current = due + timedelta(days=1)
    assert lobby.open_notices(ctx)[0].days_left == -1


def test_posting_needs_the_text_and_a_photo_once(ctx, office, session):
    notice = _one_notice(ctx, session, office)
    desk = Ctx(session, front_desk(session, office), ctx.clock, ctx.settings)
    with pytest.raises(ValidationFailed) as exc:
        lobby.post_notice(desk, notice.id, text=" ", photo=b"")
    assert {e.field for e in exc.value.errors} == {"text", "photo"}
    with pytest.raises(ValidationFailed) as exc:
        lobby.post_notice(desk, notice.id, text="通知", photo=b"not an image", photo_name="x.txt")
    assert [e.field for e in exc.value.errors] == ["photo"]
    with pytest.raises(ValidationFailed) as exc:
        lobby.post_notice(desk, notice.id, text="通知", photo=_jpeg(), posted_at=T)
    assert [e.field for e in exc.value.errors] == ["posted_at"]  # before it was found
    done = lobby.post_notice(desk, notice.id, text="电梯已报修,周五前完成保养。", photo=_jpeg())
    assert done.posted_at == ctx.now() and done.photo_file_id is not None
    assert done.posted_by_staff_id == office.staff[2].id
    assert lobby.open_notices(ctx) == []
    assert [n.id for n in lobby.posted_notices(ctx)] == [notice.id]
    with pytest.raises(Conflict):
        lobby.post_notice(desk, notice.id, text="再贴一次", photo=_jpeg())
    with pytest.raises(Forbidden):
        lobby.post_notice(as_role(ctx, office, "cashier"), notice.id, text="x", photo=_jpeg())
