"""Drawing a stand-up's message (bot.domain.standup.drawing) on SQLite and PostgreSQL: a drawing
is posted only while it carries the newest revision; a post that a newer drawing may have
landed before is followed by one of the newest state; each drawing has a number of its own;
the summary names the first people and counts the rest, whatever the number of answers."""

from __future__ import annotations

import pytest

from bot.domain.standup.service import StandupService
from bot.domain.standup.values import NAMED, Summary
from bot.storage.engine import session_factory
from tests.domain.conftest import Harness
from tests.domain.test_standup import C_A, CHECKLIST, T1, answers, redraw, start


def counts(summary: Summary) -> list[int]:
    return [summary.count(item.id) for item in summary.run.checklist.items]


async def test_a_change_redraws_once_with_its_state_and_the_next_drawing_number(standup):
    run_id = await start(standup)
    revision = await standup.service.tick(T1, run_id, "U1", 0, ["a", "b"])
    [first] = await redraw(standup, run_id, revision)
    assert (first.run.version, first.responded, counts(first)) == (1, 1, [1, 1, 0, 0])
    revision = await standup.service.set_done(T1, run_id, "U2")
    [second] = await redraw(standup, run_id, revision)
    assert (second.run.version, second.responded, second.done) == (2, 2, 1)


async def test_a_redraw_of_an_older_revision_posts_nothing(standup):
    run_id = await start(standup)
    older = await standup.service.tick(T1, run_id, "U1", 0, ["a"])
    newer = await standup.service.tick(T1, run_id, "U2", 0, ["b"])
    assert newer > older
    # The newer change draws itself: neither this process nor another redraws the older one
    # (the other finds the run moved on in the database).
    elsewhere = Harness(StandupService(session_factory(standup.engine), standup.clock),
                        standup.clock, standup.engine)
    assert await redraw(elsewhere, run_id, older) == []
    assert await redraw(standup, run_id, older) == []
    [drawn] = await redraw(standup, run_id, newer)
    assert (drawn.run.version, counts(drawn)) == (1, [1, 1, 0, 0])


async def test_a_post_a_newer_drawing_may_have_landed_before_is_drawn_again(standup):
    """While this post is on its way, another change commits and its redraw posts: Slack may
    carry out the two in either order, so this redraw posts the newest state once more."""
    run_id = await start(standup)
    first = await standup.service.tick(T1, run_id, "U1", 0, ["a"])
    meanwhile: list[Summary] = []
    drawn: list[Summary] = []

    async def draw(summary: Summary) -> None:
        drawn.append(summary)
        if len(drawn) == 1:
            second = await standup.service.tick(T1, run_id, "U2", 0, ["b"])
            meanwhile.extend(await redraw(standup, run_id, second))

    assert await standup.service.redraw(T1, run_id, first, draw) == 2
    assert [counts(s) for s in meanwhile] == [[1, 1, 0, 0]]
    assert [counts(s) for s in drawn] == [[1, 0, 0, 0], [1, 1, 0, 0]]
    versions = [s.run.version for s in (drawn[0], meanwhile[0], drawn[1])]
    assert versions == [1, 2, 3]


async def test_a_newer_change_nobody_has_drawn_yet_is_left_to_its_own_redraw(standup):
    """No drawing was claimed after this post's: every later one starts after it landed."""
    run_id = await start(standup)
    first = await standup.service.tick(T1, run_id, "U1", 0, ["a"])
    later: list[int] = []

    async def draw(summary: Summary) -> None:
        later.append(await standup.service.tick(T1, run_id, "U2", 0, ["b"]))

    assert await standup.service.redraw(T1, run_id, first, draw) == 1
    [drawn] = await redraw(standup, run_id, later[0])
    assert (drawn.run.version, counts(drawn)) == (2, [1, 1, 0, 0])


async def test_without_a_message_nothing_is_drawn_until_a_click_names_it(standup):
    run = await standup.service.start(T1, C_A, CHECKLIST, "U0LEAD")
    revision = await standup.service.tick(T1, run.id, "U1", 0, ["a"])
    assert await redraw(standup, run.id, revision) == []

    drawn: list[Summary] = []

    async def draw(summary: Summary) -> None:
        drawn.append(summary)

    # A click on the message whose post went unanswered teaches the run its message...
    assert await standup.service.redraw(T1, run.id, revision, draw, seen_ts="9.1") == 1
    assert drawn[0].run.message_ts == "9.1"
    # ...and a message the run knows is kept.
    revision = await standup.service.tick(T1, run.id, "U2", 0, ["b"])
    await standup.service.redraw(T1, run.id, revision, draw, seen_ts="9.2")
    assert [s.run.message_ts for s in drawn] == ["9.1", "9.1"]


@pytest.mark.parametrize("people", [NAMED + 5])
async def test_the_summary_names_the_first_people_and_counts_the_rest(standup, people):
    run_id = await start(standup)
    for n in range(people):
        standup.clock.advance(seconds=1)
        if n % 2:
            await standup.service.set_blocked(T1, run_id, f"U{n:02d}", f"note {n}", n % 4 == 1)
        else:
            await standup.service.tick(T1, run_id, f"U{n:02d}", 0, ["a"])
    standup.clock.advance(seconds=1)
    revision = await standup.service.set_blocked(T1, run_id, "U00", "", False)
    summary = (await redraw(standup, run_id, revision))[0]
    assert summary.responded == people
    assert summary.first_responders == tuple(f"U{n:02d}" for n in range(NAMED))
    blocked = [0] + [n for n in range(people) if n % 2]
    assert summary.blocked == len(blocked)
    assert [b.user_id for b in summary.first_blocked] == [f"U{n:02d}" for n in blocked][:NAMED]
    assert [b.note for b in summary.first_blocked[1:4]] == ["note 1", None, "note 5"]
    await answers(standup, run_id)  # the counts agree with every answer
