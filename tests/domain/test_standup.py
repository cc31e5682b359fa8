"""Stand-up runs (bot.domain.standup.service) on SQLite and PostgreSQL: starting a run and its
summary, what a checkbox click changes (per drawing of the message, or a person's complete set),
whose ticks a click may touch, blocker notes, runs of another team or that no longer exist,
concurrent clicks, the report over a period, and forgetting an unused run. Every read of the
answers also checks that the counts kept with the run agree with them."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.domain.standup.values import (
    MAX_NOTE,
    NAMED,
    Blocker,
    Response,
    RunNotFound,
    StandupError,
    Summary,
)
from knowledge.models import Checklist, ChecklistItem
from tests.domain.conftest import Harness
from tests.utils.clock import START

T1, T2 = "T0001", "T0002"
C_A, C_B = "C0A", "C0B"

CHECKLIST = Checklist("test", "Test stand-up", "Four questions.", (
    ChecklistItem("a", "Did we talk to a user?", "1.1"),
    ChecklistItem("b", "Is anything blocked elsewhere?", "1.6"),
    ChecklistItem("c", "Did we write plainly?", "2.3"),
    ChecklistItem("d", "Did we read the feedback?", "2.6"),
))


def assert_counts_agree(summary: Summary, answers: tuple[Response, ...]) -> None:
    """The counts and names the run keeps are what its answers say."""
    assert summary.responded == len(answers)
    assert summary.done == sum(a.done for a in answers)
    assert summary.blocked == sum(a.blocked for a in answers)
    assert {item.id: summary.count(item.id) for item in summary.run.checklist.items} == {
        item.id: sum(item.id in a.ticks for a in answers) for item in summary.run.checklist.items}
    assert summary.first_responders == tuple(a.user_id for a in answers)[:NAMED]
    assert summary.first_blocked == tuple(Blocker(a.user_id, a.note)
                                          for a in answers if a.blocked)[:NAMED]


async def answers(standup: Harness, run_id: int, team_id: str = T1) -> tuple[Response, ...]:
    """Everyone's answers to the run, in order of first response (counts checked)."""
    _, found = await standup.service.answers(team_id, run_id)
    assert_counts_agree(await standup.service.summary(team_id, run_id), found)
    return found


async def ticks(standup: Harness, run_id: int, team_id: str = T1) -> dict[str, set[str]]:
    return {a.user_id: set(a.ticks) for a in await answers(standup, run_id, team_id)}


async def start(standup: Harness, checklist: Checklist = CHECKLIST, channel_id: str = C_A,
                team_id: str = T1) -> int:
    """A run whose message is posted."""
    run = await standup.service.start(team_id, channel_id, checklist, "U0LEAD")
    await standup.service.set_message(team_id, run.id, "1.0")
    return run.id


async def redraw(standup: Harness, run_id: int, revision: int, team_id: str = T1
                 ) -> list[Summary]:
    """Redraw after the change that made `revision`: what was drawn."""
    drawn: list[Summary] = []

    async def draw(summary: Summary) -> None:
        drawn.append(summary)

    assert await standup.service.redraw(team_id, run_id, revision, draw) == len(drawn)
    return drawn


# ---------------------------------------------------------------------- start and summary


async def test_start_keeps_the_run_and_its_checklist(standup):
    run = await standup.service.start(T1, C_A, CHECKLIST, "U0LEAD")
    assert (run.team_id, run.channel_id, run.started_by) == (T1, C_A, "U0LEAD")
    assert run.checklist == CHECKLIST
    assert run.started_at == START
    assert (run.message_ts, run.version) == (None, 0)

    summary = await standup.service.summary(T1, run.id)
    assert summary.run == run
    assert (summary.responded, summary.done, summary.blocked) == (0, 0, 0)
    assert (summary.first_responders, summary.first_blocked) == ((), ())
    assert [summary.count(item.id) for item in CHECKLIST.items] == [0, 0, 0, 0]
    assert (await standup.service.answers(T1, run.id))[1] == ()

    other = await standup.service.start(T1, C_A, CHECKLIST, "U0LEAD")
    assert other.id != run.id


async def test_summary_lists_responses_in_order_of_first_response(standup):
    run_id = await start(standup)
    await standup.service.tick(T1, run_id, "U2", 0, ["a", "b"])
    first = standup.clock.now
    standup.clock.advance(minutes=1)
    await standup.service.set_done(T1, run_id, "U1")
    standup.clock.advance(minutes=1)
    await standup.service.tick(T1, run_id, "U2", 0, ["a", "b", "c"])  # not a first response

    summary = await standup.service.summary(T1, run_id)
    assert summary.first_responders == ("U2", "U1")
    assert (summary.responded, summary.done) == (2, 1)
    u2, u1 = await answers(standup, run_id)
    assert (u2.ticks, u2.done, u2.blocked, u2.note) == ({"a", "b", "c"}, False, False, None)
    assert u2.first_at == first
    assert (u1.ticks, u1.done, u1.blocked) == (frozenset(), True, False)
    assert u1.first_at == first + dt.timedelta(minutes=1)
    assert [summary.count(item.id) for item in CHECKLIST.items] == [1, 1, 1, 0]


# ---------------------------------------------------------------------- what a click changes


async def test_on_one_version_a_second_report_adds_and_removes_relative_to_the_first(standup):
    run_id = await start(standup)
    await standup.service.tick(T1, run_id, "U1", 0, ["a", "b"])
    assert await ticks(standup, run_id) == {"U1": {"a", "b"}}
    await standup.service.tick(T1, run_id, "U1", 0, ["b", "c"])
    assert await ticks(standup, run_id) == {"U1": {"b", "c"}}
    await standup.service.tick(T1, run_id, "U1", 0, [])
    assert await ticks(standup, run_id) == {"U1": set()}


async def test_a_new_version_starts_from_empty_so_a_report_only_adds(standup):
    run_id = await start(standup)
    revision = await standup.service.tick(T1, run_id, "U1", 0, ["a", "b"])
    [summary] = await redraw(standup, run_id, revision)
    assert summary.run.version == 1
    assert [summary.count(item.id) for item in CHECKLIST.items] == [1, 1, 0, 0]

    # The redrawn message shows no boxes ticked: a click reporting only "c" adds it.
    await standup.service.tick(T1, run_id, "U1", 1, ["c"])
    assert await ticks(standup, run_id) == {"U1": {"a", "b", "c"}}
    # On that version, unticking "c" again removes only what was reported for it.
    await standup.service.tick(T1, run_id, "U1", 1, [])
    assert await ticks(standup, run_id) == {"U1": {"a", "b"}}


async def test_version_none_replaces_the_persons_ticks_so_unticking_works(standup):
    run_id = await start(standup)
    await standup.service.tick(T1, run_id, "U1", 0, ["a", "b"])
    await standup.service.tick(T1, run_id, "U1", None, ["b", "c"])
    assert await ticks(standup, run_id) == {"U1": {"b", "c"}}
    await standup.service.tick(T1, run_id, "U1", None, ["c"])
    assert await ticks(standup, run_id) == {"U1": {"c"}}
    await standup.service.tick(T1, run_id, "U1", None, [])
    assert await ticks(standup, run_id) == {"U1": set()}
    assert await standup.rows("standup_ticks") == 0


async def test_one_persons_clicks_never_change_anothers_ticks(standup):
    run_id = await start(standup)
    await standup.service.tick(T1, run_id, "U1", 0, ["a", "b"])
    await standup.service.tick(T1, run_id, "U2", 0, ["a", "c"])
    assert await ticks(standup, run_id) == {"U1": {"a", "b"}, "U2": {"a", "c"}}

    # U2 unticks on the shared message, then clears their own copy.
    await standup.service.tick(T1, run_id, "U2", 0, ["c"])
    assert await ticks(standup, run_id) == {"U1": {"a", "b"}, "U2": {"c"}}
    revision = await standup.service.tick(T1, run_id, "U2", None, [])
    assert await ticks(standup, run_id) == {"U1": {"a", "b"}, "U2": set()}

    # A new drawing: U2's first click there reports nothing of U1's.
    await redraw(standup, run_id, revision)
    await standup.service.tick(T1, run_id, "U2", 1, ["d"])
    await standup.service.tick(T1, run_id, "U2", 1, [])
    assert await ticks(standup, run_id) == {"U1": {"a", "b"}, "U2": set()}
    summary = await standup.service.summary(T1, run_id)
    assert [summary.count(item.id) for item in CHECKLIST.items] == [1, 1, 0, 0]


async def test_unknown_item_ids_are_ignored(standup):
    run_id = await start(standup)
    await standup.service.tick(T1, run_id, "U1", 0, ["a", "zzz", "p1-1"])
    await standup.service.tick(T1, run_id, "U2", None, ["nope", "b"])
    assert await ticks(standup, run_id) == {"U1": {"a"}, "U2": {"b"}}
    assert await standup.rows("standup_ticks") == 2


async def test_ticks_are_per_run(standup):
    first = await start(standup)
    second = await start(standup)
    await standup.service.tick(T1, first, "U1", 0, ["a"])
    await standup.service.tick(T1, second, "U1", 0, ["b"])
    await standup.service.tick(T1, second, "U1", None, [])
    assert await ticks(standup, first) == {"U1": {"a"}}
    assert await ticks(standup, second) == {"U1": set()}


# ---------------------------------------------------------------------- another team, no run


@pytest.mark.parametrize("where", ["another team", "missing run"])
async def test_a_run_of_another_team_or_a_missing_run_is_not_found_and_nothing_changes(
        standup, where):
    run_id = await start(standup)
    revision = await standup.service.tick(T1, run_id, "U1", 0, ["a"])
    before = await standup.service.summary(T1, run_id)
    team_id, target = (T2, run_id) if where == "another team" else (T1, run_id + 1000)
    assert await redraw(standup, target, revision, team_id) == []

    service = standup.service
    attempts = [
        lambda: service.tick(team_id, target, "U1", 0, ["a", "b"]),
        lambda: service.tick(team_id, target, "U1", None, []),
        lambda: service.tick(team_id, target, "U2", 0, ["c"]),
        lambda: service.summary(team_id, target),
        lambda: service.answers(team_id, target),
        lambda: service.run(team_id, target),
        lambda: service.set_done(team_id, target, "U1"),
        lambda: service.set_done(team_id, target, "U2"),
        lambda: service.set_blocked(team_id, target, "U1", "waiting on DNS", True),
        lambda: service.set_blocked(team_id, target, "U2", "waiting on DNS", True),
    ]
    for attempt in attempts:
        with pytest.raises(RunNotFound, match="no longer exists"):
            await attempt()

    assert await standup.service.summary(T1, run_id) == before
    assert await standup.rows("standup_responses") == 1
    assert await standup.rows("standup_ticks") == 1
    # The response's remembered selection was not touched either: unticking still works.
    await standup.service.tick(T1, run_id, "U1", 0, [])
    assert await ticks(standup, run_id) == {"U1": set()}


# ---------------------------------------------------------------------- blocked and done


async def test_a_note_over_the_limit_is_refused_and_nothing_is_stored(standup):
    run_id = await start(standup)
    with pytest.raises(StandupError, match=str(MAX_NOTE)) as error:
        await standup.service.set_blocked(T1, run_id, "U1", "x" * (MAX_NOTE + 1), True)
    assert not isinstance(error.value, RunNotFound)
    assert MAX_NOTE == 500
    assert await standup.rows("standup_responses") == 0
    assert await answers(standup, run_id) == ()

    # The limit itself is allowed, and surrounding spaces do not count.
    await standup.service.set_blocked(T1, run_id, "U1", f"  {'x' * MAX_NOTE}  ", True)
    [response] = await answers(standup, run_id)
    assert response.blocked and response.note == "x" * MAX_NOTE


async def test_a_note_is_visible_in_the_summary_only_when_shared(standup):
    run_id = await start(standup)
    await standup.service.set_blocked(T1, run_id, "U1", "waiting on the DNS team", False)
    await standup.service.set_blocked(T1, run_id, "U2", "  waiting on legal  ", True)
    await standup.service.set_blocked(T1, run_id, "U3", "   ", True)
    responses = {r.user_id: r for r in await answers(standup, run_id)}
    assert {user: (r.blocked, r.note) for user, r in responses.items()} == {
        "U1": (True, None),
        "U2": (True, "waiting on legal"),
        "U3": (True, None),
    }

    # Changing one's mind: U1 shares now, U2 no longer does.
    await standup.service.set_blocked(T1, run_id, "U1", "waiting on the DNS team", True)
    await standup.service.set_blocked(T1, run_id, "U2", "waiting on legal", False)
    responses = {r.user_id: r for r in await answers(standup, run_id)}
    assert responses["U1"].note == "waiting on the DNS team"
    assert responses["U2"].note is None


async def test_done_and_blocked_keep_the_persons_ticks(standup):
    run_id = await start(standup)
    await standup.service.tick(T1, run_id, "U1", 0, ["a", "d"])
    await standup.service.set_blocked(T1, run_id, "U1", "", False)
    await standup.service.set_done(T1, run_id, "U1")
    [response] = await answers(standup, run_id)
    assert (response.ticks, response.done, response.blocked, response.note) == (
        {"a", "d"}, True, True, None)


# ---------------------------------------------------------------------- concurrency


async def test_20_people_ticking_at_once_lose_nothing(standup):
    run_id = await start(standup)
    items = [item.id for item in CHECKLIST.items]
    people = [f"U{n:02d}" for n in range(20)]
    # People tick different sets of boxes (of one to three items), some overlapping.
    chosen = {person: set(items[n % 4:] if n % 2 else items[: n % 4 + 1])
              for n, person in enumerate(people)}

    await asyncio.gather(*(standup.service.tick(T1, run_id, person, 0, sorted(chosen[person]))
                           for person in people))
    assert await ticks(standup, run_id) == chosen
    summary = await standup.service.summary(T1, run_id)
    for item in items:
        assert summary.count(item) == sum(item in c for c in chosen.values())

    # And at once again, each unticking their first box on the same version.
    after = {person: set(sorted(chosen[person])[1:]) for person in people}
    await asyncio.gather(*(standup.service.tick(T1, run_id, person, 0, sorted(after[person]))
                           for person in people))
    assert await ticks(standup, run_id) == after
    assert await standup.rows("standup_ticks") == sum(len(t) for t in after.values())


# ---------------------------------------------------------------------- report


FIRST = Checklist("first", "First", "", (
    ChecklistItem("a", "Question A?", "1.1"),
    ChecklistItem("b", "Question B?", "2.3"),
    ChecklistItem("c", "Question C?", "4.1"),
    ChecklistItem("f", "Question F?", "8.2"),
))
# Shares item "a" (same text and practice) with FIRST.
SECOND = Checklist("second", "Second", "", (
    ChecklistItem("a", "Question A?", "1.1"),
    ChecklistItem("d", "Question D?", "3.1"),
))
UNANSWERED = Checklist("unanswered", "Unanswered", "", (ChecklistItem("e", "Question E?", "5.1"),))


async def test_report_over_a_period(standup):
    service, clock = standup.service, standup.clock
    since = START
    until = START + dt.timedelta(days=7)

    # Outside the window, or in another channel or team: each would tick "c" if counted.
    clock.set(since - dt.timedelta(minutes=1))
    before = await start(standup, FIRST)
    clock.set(until + dt.timedelta(minutes=1))
    after = await start(standup, FIRST)
    clock.set(since + dt.timedelta(days=2))
    other_channel = await start(standup, FIRST, channel_id=C_B)
    other_team = await start(standup, FIRST, team_id=T2)
    for run_id, team_id, person in [(before, T1, "U7"), (after, T1, "U8"),
                                    (other_channel, T1, "U5"), (other_team, T2, "U6")]:
        await service.tick(team_id, run_id, person, 0, ["a", "b", "c", "f"])

    clock.set(since + dt.timedelta(hours=1))
    first = await start(standup, FIRST)
    await service.tick(T1, first, "U1", 0, ["a", "b", "f"])
    await service.tick(T1, first, "U2", 0, ["a", "f"])
    await service.tick(T1, first, "U3", None, ["f"])
    await service.set_done(T1, first, "U3")

    clock.set(since + dt.timedelta(days=1))
    second = await start(standup, SECOND)
    await service.tick(T1, second, "U1", 0, ["a", "d"])
    await service.set_blocked(T1, second, "U4", "waiting", True)
    await start(standup, UNANSWERED)

    clock.set(since + dt.timedelta(days=3))
    report = await service.report(T1, C_A, since, until)
    assert report.runs == 3
    assert report.responders == 4  # U1, U2, U3, U4: U1 answered both runs, counted once
    by_item = {r.item.id: (r.ticked, r.possible) for r in report.items}
    assert by_item == {
        "a": (3, 5),  # 2 of 3 in the first run, 1 of 2 in the second
        "b": (1, 3),
        "c": (0, 3),
        "d": (1, 2),
        "f": (3, 3),
    }
    assert [round(r.completion, 3) for r in report.items] == [0.0, 0.333, 0.5, 0.6, 1.0]
    # Most skipped first; an item everybody ticked is not skipped.
    assert [r.item.id for r in report.most_skipped()] == ["c", "b", "d"]
    assert [r.item.id for r in report.most_skipped(10)] == ["c", "b", "d", "a"]
    assert [r.item.practice_id for r in report.most_skipped(2)] == ["4.1", "2.3"]

    # Until defaults to the clock: the run started after it is left out, the rest is the same.
    clock.set(until)
    assert await service.report(T1, C_A, since) == report

    # The other channel and the other team have their own reports.
    other = await service.report(T1, C_B, since, until)
    assert (other.runs, other.responders) == (1, 1)
    assert {r.item.id: (r.ticked, r.possible) for r in other.items} == {
        "a": (1, 1), "b": (1, 1), "c": (1, 1), "f": (1, 1)}
    assert other.most_skipped() == ()
    assert (await service.report(T2, C_A, since, until)).responders == 1


async def test_a_report_of_a_channel_without_runs_is_empty(standup):
    await start(standup)
    report = await standup.service.report(T1, C_B, START - dt.timedelta(days=1),
                                          START + dt.timedelta(days=1))
    assert (report.runs, report.responders, report.items) == (0, 0, ())


# ---------------------------------------------------------------------- an unused run


async def test_mark_unused_deletes_the_run_and_its_answers(standup):
    run_id = await start(standup)
    kept = await start(standup)
    for target in (run_id, kept):
        await standup.service.tick(T1, target, "U1", 0, ["a", "b"])
        await standup.service.set_blocked(T1, target, "U2", "waiting", True)

    await standup.service.mark_unused(T2, run_id)  # another team's: nothing happens
    assert await ticks(standup, run_id) == {"U1": {"a", "b"}, "U2": set()}

    await standup.service.mark_unused(T1, run_id)
    with pytest.raises(RunNotFound):
        await standup.service.summary(T1, run_id)
    with pytest.raises(RunNotFound):
        await standup.service.tick(T1, run_id, "U1", 0, ["c"])
    assert await ticks(standup, kept) == {"U1": {"a", "b"}, "U2": set()}
    assert await standup.rows("standup_runs") == 1
    assert await standup.rows("standup_responses") == 2
    assert await standup.rows("standup_ticks") == 2
