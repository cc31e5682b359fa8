"""Retro actions (bot.domain.retro.service) on SQLite and PostgreSQL: tags, numbers, repeats and
concurrency, lists, isolation between channels and teams, permissions, coverage, your data, and
export."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json

import pytest
from sqlalchemy import text

from bot.domain.matcher import Matcher
from bot.domain.retro.coverage import Coverage
from bot.domain.retro.export import COLUMNS, write_actions
from bot.domain.retro.tagging import Tagger
from bot.domain.retro.values import (
    COUNT_BOUND,
    MAX_TEXT,
    RetroInputError,
    RetroNotAllowed,
    RetroNotFound,
    Scope,
    Tag,
)
from tests.utils.clock import START

T1, T2 = "T0001", "T0002"
A = Scope(T1, "C0A")  # channel A of team 1
B = Scope(T1, "C0B")  # channel B of team 1
OTHER_TEAM = Scope(T2, "C0A")  # another team, the same channel id as A

CONFIDENT = "Publish the code of our new service as open source"
VAGUE = "Think more about users"
CHATTER = "Order more coffee for the kitchen"
NONSENSE = "zzxq vbnm qwerty"


async def rows(engine, table: str) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text(f"SELECT count(*) FROM {table}")))


async def tag_rows_of(engine, team_id: str) -> list[tuple[int, str]]:
    """(number, tag) of every stored tag row of a team."""
    async with engine.connect() as connection:
        result = await connection.execute(text(
            "SELECT a.number, t.tag FROM retro_action_tags t "
            "JOIN retro_actions a ON a.id = t.action_id WHERE t.team_id = :team "
            "ORDER BY a.number, t.position"), {"team": team_id})
        return [(int(number), tag) for number, tag in result]


async def orphan_tags(engine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text(
            "SELECT count(*) FROM retro_action_tags t WHERE NOT EXISTS "
            "(SELECT 1 FROM retro_actions a WHERE a.id = t.action_id)")))


def numbers(page) -> list[int]:
    return [action.number for action in page.actions]


# ---------------------------------------------------------------------- tags


async def test_add_with_a_principle_or_practice_tag(retro_service):
    principle = (await retro_service.add(A, "U1", "Write a privacy notice", ["#4"])).action
    assert principle.tags == (Tag("4", 4),)
    assert not principle.tags[0].is_practice
    assert principle.auto_tagged is False

    practice = (await retro_service.add(A, "U1", "Threat-model the login", ["#4.2"])).action
    assert practice.tags == (Tag("4.2", 4),)
    assert practice.tags[0].is_practice

    several = (await retro_service.add(A, "U1", "Open the code, securely", ["4.2", "#3"])).action
    assert several.tags == (Tag("4.2", 4), Tag("3", 3))
    assert await retro_service.get(A, several.number) == several


@pytest.mark.parametrize(("word", "principle"), [("#security", 4), ("#procurement", 9)])
async def test_a_word_tag_resolves_to_a_practice(retro_service, word, principle, index):
    tag = await Tagger(Matcher(index)).resolve(word)
    assert tag.is_practice and tag.principle == principle
    action = (await retro_service.add(A, "U1", "Something about it", [word])).action
    assert action.tags == (tag,)
    assert action.auto_tagged is False


async def test_a_hyphenated_word_tag_resolves(retro_service, index):
    assert await Tagger(Matcher(index)).resolve("#vendor-lock-in") == Tag("3.2", 3)


@pytest.mark.parametrize("tags", [
    ["#zzxqvbnm"],          # a word the matcher does not know
    ["#4", "#zzxqvbnm"],    # one bad tag among good ones
    ["#0"], ["#11"],        # principles that do not exist
    ["#4.99"], ["#11.1"],   # practices that do not exist
    ["#4", "#4.2", "#5", "#6.1"],  # more than three
])
async def test_bad_tags_are_refused_and_nothing_is_stored(retro_service, tags, engine):
    with pytest.raises(RetroInputError):
        await retro_service.add(A, "U1", "Do a thing", tags)
    assert await rows(engine, "retro_actions") == 0
    assert await rows(engine, "retro_action_tags") == 0
    # The refused request did not use up a number.
    assert (await retro_service.add(A, "U1", "Do a thing", ["#4"])).action.number == 1


async def test_repeated_tags_count_once(retro_service):
    action = (await retro_service.add(A, "U1", "x", ["#4.2", "4.2", "#4.2", "#4.2"])).action
    assert action.tags == (Tag("4.2", 4),)


# ---------------------------------------------------------------------- auto-tagging


async def test_confident_text_is_tagged_with_the_top_practice(retro_service, index):
    answer = index.search(CONFIDENT, limit=1)
    assert answer.confident, "the example text should be one the matcher is sure of"
    action = (await retro_service.add(A, "U1", CONFIDENT)).action
    assert action.tags == (Tag(answer.matches[0].practice.id, answer.matches[0].principle.number),)
    assert action.tags == (Tag("3.4", 3),)  # Emphasising open source
    assert action.auto_tagged is True
    assert await retro_service.propose_tags(CONFIDENT) == action.tags


async def test_vague_text_is_tagged_with_the_top_principle_only(retro_service, index):
    answer = index.search(VAGUE, limit=1)
    assert answer.matches and not answer.confident and not answer.declined, \
        "the example text should be a vague one about the work"
    number = answer.matches[0].principle.number
    action = (await retro_service.add(A, "U1", VAGUE)).action
    assert action.tags == (Tag(str(number), number),)
    assert action.auto_tagged is True


async def test_text_the_matcher_declines_gets_no_tag(retro_service, engine, index):
    answer = index.search(CHATTER, limit=1)
    assert answer.declined and answer.matches, "the example should be chatter it can place"
    action = (await retro_service.add(A, "U1", CHATTER)).action
    assert action.tags == ()
    assert await rows(engine, "retro_action_tags") == 0


async def test_nonsense_gets_no_tag(retro_service, engine, index):
    assert not index.search(NONSENSE, limit=1).matches
    action = (await retro_service.add(A, "U1", NONSENSE)).action
    assert action.tags == ()
    assert await rows(engine, "retro_action_tags") == 0


# ---------------------------------------------------------------------- text


@pytest.mark.parametrize("bad", ["", "   ", "\n\t", "x" * (MAX_TEXT + 1)])
async def test_empty_or_too_long_text_is_refused_and_nothing_is_stored(retro_service, bad, engine):
    with pytest.raises(RetroInputError):
        await retro_service.add(A, "U1", bad, ["#4"])
    assert await rows(engine, "retro_actions") == 0
    assert await rows(engine, "team_counters") == 0


async def test_text_is_trimmed_and_2000_characters_are_accepted(retro_service):
    longest = "y" * MAX_TEXT
    action = (await retro_service.add(A, "U1", f"  {longest}\n", ["#4"])).action
    assert action.text == longest
    assert (await retro_service.get(A, action.number)).text == longest


async def test_an_action_round_trips_with_every_field(retro_service):
    added = await retro_service.add(
        A, "U1", "Café <b>&</b> — ünïcode", ["#10.3"], owner_id="U2",
        due_date=dt.date(2025, 4, 1), permalink="https://x.slack.com/archives/C0A/p1",
    )
    assert added.created is True
    action = added.action
    assert (action.team_id, action.channel_id, action.author_id, action.owner_id) == (
        T1, "C0A", "U1", "U2")
    assert action.status == "open" and action.done_at is None
    assert action.created_at == START
    assert await retro_service.get(A, action.number) == action


# ---------------------------------------------------------------------- numbers


async def test_numbers_count_up_per_team_independently(retro_service):
    first = [(await retro_service.add(scope, "U1", "x", ["#1"])).action.number
             for scope in (A, B, A)]
    other = [(await retro_service.add(OTHER_TEAM, "U1", "x", ["#1"])).action.number
             for _ in range(2)]
    assert first == [1, 2, 3]
    assert other == [1, 2]
    assert (await retro_service.add(B, "U1", "x", ["#1"])).action.number == 4


async def test_a_repeated_request_returns_the_first_action(retro_service, engine):
    first = await retro_service.add(A, "U1", "Fix the form", ["#4"], request_key="req-1")
    again = await retro_service.add(A, "U1", "Fix the form", ["#4"], request_key="req-1")
    assert first.created is True
    assert again.created is False
    assert again.action == first.action
    assert await rows(engine, "retro_actions") == 1

    different = await retro_service.add(A, "U1", "Fix the form", ["#4"], request_key="req-2")
    assert different.created is True and different.action.number == 2
    # Request keys are per team: the same key in another team is another request.
    elsewhere = await retro_service.add(OTHER_TEAM, "U1", "Fix it", ["#4"], request_key="req-1")
    assert elsewhere.created is True
    assert await rows(engine, "retro_actions") == 3


async def test_a_request_delivered_several_times_at_once_creates_one_action(retro_service, engine):
    results = await asyncio.gather(*(
        retro_service.add(A, "U1", "Double-clicked submit", ["#4"], request_key="view-42")
        for _ in range(5)
    ))
    assert sum(result.created for result in results) == 1
    assert {result.action.number for result in results} == {1}
    assert await rows(engine, "retro_actions") == 1


async def test_fifty_concurrent_adds_make_fifty_actions_numbered_1_to_50(retro_service, engine):
    results = await asyncio.gather(*(
        retro_service.add(A, f"U{i}", f"Action {i}", ["#4.2"]) for i in range(50)
    ))
    assert all(result.created for result in results)
    assert sorted(result.action.number for result in results) == list(range(1, 51))
    assert await rows(engine, "retro_actions") == 50
    assert await rows(engine, "retro_action_tags") == 50
    page = await retro_service.list_actions(A, status="all", limit=100)
    assert page.total == 50
    assert sorted(numbers(page)) == list(range(1, 51))
    assert (await retro_service.add(A, "U1", "next", ["#4"])).action.number == 51


# ---------------------------------------------------------------------- listing


async def test_list_open_done_and_all(retro_service, clock):
    for i in range(3):
        clock.advance(minutes=1)
        await retro_service.add(A, "U1", f"Action {i}", ["#4"])
    await retro_service.set_done(A, 2, True)
    assert numbers(await retro_service.list_actions(A)) == [3, 1]
    assert numbers(await retro_service.list_actions(A, status="open")) == [3, 1]
    assert numbers(await retro_service.list_actions(A, status="done")) == [2]
    assert numbers(await retro_service.list_actions(A, status="all")) == [3, 2, 1]
    with pytest.raises(RetroInputError):
        await retro_service.list_actions(A, status="closed")


async def test_list_by_principle_counts_an_action_once(retro_service):
    await retro_service.add(A, "U1", "one", ["#4.2", "#4"])  # two tags of principle 4
    await retro_service.add(A, "U1", "two", ["#3"])
    await retro_service.add(A, "U1", "three", ["#3.4", "#4.1"])
    by_four = await retro_service.list_actions(A, principle=4)
    assert numbers(by_four) == [3, 1]
    assert by_four.total == 2
    assert numbers(await retro_service.list_actions(A, principle=3)) == [3, 2]
    assert numbers(await retro_service.list_actions(A, principle=7)) == []


async def test_list_by_owner(retro_service):
    await retro_service.add(A, "U1", "one", ["#4"], owner_id="U2")
    await retro_service.add(A, "U2", "two", ["#4"])
    await retro_service.add(A, "U1", "three", ["#4"], owner_id="U2")
    await retro_service.add(A, "U1", "four", ["#4"], owner_id="U3")
    assert numbers(await retro_service.list_actions(A, owner_id="U2")) == [3, 1]
    assert numbers(await retro_service.list_actions(A, owner_id="U9")) == []


async def test_list_is_newest_first(retro_service, clock):
    for day in range(5):
        clock.advance(days=1)
        await retro_service.add(A, "U1", f"day {day}", ["#4"])
    page = await retro_service.list_actions(A, status="all")
    assert numbers(page) == [5, 4, 3, 2, 1]
    created = [action.created_at for action in page.actions]
    assert created == sorted(created, reverse=True)
    assert created[0] == clock()


async def test_list_pages(retro_service):
    for i in range(25):
        await retro_service.add(A, "U1", f"Action {i}", ["#4"])
    first = await retro_service.list_actions(A, offset=0, limit=10)
    assert (numbers(first), first.total, first.has_more) == (list(range(25, 15, -1)), 25, True)
    second = await retro_service.list_actions(A, offset=10, limit=10)
    assert (numbers(second), second.has_more) == (list(range(15, 5, -1)), True)
    last = await retro_service.list_actions(A, offset=20, limit=10)
    assert (numbers(last), last.total, last.has_more) == ([5, 4, 3, 2, 1], 25, False)
    beyond = await retro_service.list_actions(A, offset=30, limit=10)
    assert (numbers(beyond), beyond.total, beyond.has_more) == ([], 25, False)


async def test_a_long_list_is_counted_only_so_far_past_the_page(retro_service):
    many = COUNT_BOUND + 5
    await asyncio.gather(*(retro_service.add(A, "U1", f"Action {i}", ["#4"])
                           for i in range(many)))
    first = await retro_service.list_actions(A, limit=10)
    assert (numbers(first), first.total, first.exact, first.has_more) == (
        list(range(many, many - 10, -1)), COUNT_BOUND, False, True)
    # Near the end the count reaches past the page again, and is exact.
    last = await retro_service.list_actions(A, offset=COUNT_BOUND, limit=10)
    assert (numbers(last), last.total, last.exact, last.has_more) == (
        [5, 4, 3, 2, 1], many, True, False)
    by_four = await retro_service.list_actions(A, principle=4, limit=10)
    assert (by_four.total, by_four.exact, numbers(by_four)) == (
        COUNT_BOUND, False, numbers(first))


# ---------------------------------------------------------------------- isolation


async def test_an_action_stays_in_its_channel_and_team(retro_service):
    secret = (await retro_service.add(A, "U1", "Channel A only", ["#4.2"], owner_id="U2")).action

    for scope in (B, OTHER_TEAM):
        for status in ("open", "done", "all"):
            assert (await retro_service.list_actions(scope, status=status)).total == 0
        assert (await retro_service.list_actions(scope, principle=4)).actions == ()
        assert (await retro_service.list_actions(scope, owner_id="U2")).actions == ()
    # The same user ids in another team see nothing of team 1.
    for user in ("U1", "U2"):
        assert (await retro_service.for_person(T2, user, status="all")).total == 0
    coverage = await retro_service.coverage(T2, since=START - dt.timedelta(days=1),
                                            until=START + dt.timedelta(days=1))
    assert coverage.total == 0 and set(coverage.counts.values()) == {0}
    assert await retro_service.export(team_id=T2) == []
    assert await retro_service.export(team_id=T1, channel_id=B.channel_id) == []
    assert await retro_service.export(team_id=T1) == [secret]


async def test_numbers_from_another_channel_or_team_are_not_found(retro_service, engine):
    await retro_service.add(A, "U1", "first in A", ["#4"])
    target = (await retro_service.add(A, "U1", "target", ["#4.2"], owner_id="U2")).action
    await retro_service.add(B, "U1", "in B", ["#5"])
    theirs = (await retro_service.add(OTHER_TEAM, "U1", "other team", ["#6"])).action
    assert target.number == 2 and theirs.number == 1
    before = await retro_service.export()

    for scope in (B, OTHER_TEAM):
        attempts = [
            retro_service.get(scope, target.number),
            retro_service.set_done(scope, target.number, True),
            retro_service.change_tags(scope, target.number, ["#1"]),
            retro_service.delete(scope, target.number, "U1"),
        ]
        for attempt in attempts:
            with pytest.raises(RetroNotFound):
                await attempt
    with pytest.raises(RetroNotFound):
        await retro_service.get(A, 99)

    assert await retro_service.export() == before
    assert await retro_service.get(A, target.number) == target
    assert await tag_rows_of(engine, T1) == [(1, "4"), (2, "4.2"), (3, "5")]


async def test_only_the_author_or_the_owner_can_delete(retro_service, engine):
    await retro_service.add(A, "U1", "by U1, owned by U2", ["#4.2", "#3"], owner_id="U2")
    await retro_service.add(A, "U1", "by U1", ["#5"])
    with pytest.raises(RetroNotAllowed):
        await retro_service.delete(A, 1, "U3")
    assert (await retro_service.get(A, 1)).text == "by U1, owned by U2"

    assert (await retro_service.delete(A, 1, "U2"))[0].number == 1  # the owner
    assert (await retro_service.delete(A, 2, "U1"))[0].number == 2  # the author
    for number in (1, 2):
        with pytest.raises(RetroNotFound):
            await retro_service.get(A, number)
    assert await rows(engine, "retro_actions") == 0
    assert await rows(engine, "retro_action_tags") == 0


# ---------------------------------------------------------------------- changing


async def test_done_then_reopen_sets_and_clears_done_at(retro_service, clock):
    added = (await retro_service.add(A, "U1", "Close me", ["#4"])).action
    finished = clock.advance(hours=5)
    done = await retro_service.set_done(A, added.number, True)
    assert (done.status, done.done_at) == ("done", finished)
    assert await retro_service.get(A, added.number) == done
    assert done.created_at == START

    clock.advance(hours=1)
    reopened = await retro_service.set_done(A, added.number, False)
    assert (reopened.status, reopened.done_at) == ("open", None)
    assert await retro_service.get(A, added.number) == reopened


async def test_change_tags_replaces_them_and_clears_auto_tagged(retro_service, engine):
    added = (await retro_service.add(A, "U1", CONFIDENT)).action
    assert added.auto_tagged is True
    changed = await retro_service.change_tags(A, added.number, ["#4.2", "#3"])
    assert changed.tags == (Tag("4.2", 4), Tag("3", 3))
    assert changed.auto_tagged is False
    assert await retro_service.get(A, added.number) == changed

    # Keeping one of the tags (the same primary key) and dropping the other.
    kept = await retro_service.change_tags(A, added.number, ["#3", "#4.2", "#1.5"])
    assert await retro_service.get(A, added.number) == kept
    assert await tag_rows_of(engine, T1) == [(1, t.tag) for t in kept.tags]

    for bad in ([], ["#zzxqvbnm"], ["#1", "#2", "#3", "#4"]):
        with pytest.raises(RetroInputError):
            await retro_service.change_tags(A, added.number, bad)
    assert await retro_service.get(A, added.number) == kept
    assert await orphan_tags(engine) == 0


# ---------------------------------------------------------------------- coverage


async def test_coverage_counts_actions_per_principle_in_the_last_four_weeks(retro_service, clock):
    now = START + dt.timedelta(weeks=10)

    async def add_at(moment, scope, tags, words="x"):
        clock.set(moment)
        return await retro_service.add(scope, "U1", words, tags)

    await add_at(now - dt.timedelta(days=29), A, ["#1", "#7"])         # too old
    await add_at(now - dt.timedelta(days=27), A, ["#2.1", "#2"])       # principle 2 once
    await add_at(now - dt.timedelta(days=20), A, ["#3", "#4.2"])
    await add_at(now - dt.timedelta(days=6), A, ["#3.4"])
    await add_at(now - dt.timedelta(days=5), A, [], NONSENSE)          # no tags
    await add_at(now - dt.timedelta(days=3), B, ["#5"])
    await add_at(now - dt.timedelta(days=3), OTHER_TEAM, ["#6", "#2"])  # another team
    await add_at(now + dt.timedelta(days=1), A, ["#8"])                # in the future
    clock.set(now)

    team = await retro_service.coverage(T1)
    assert team.until == now and team.since == now - dt.timedelta(weeks=4)
    assert sorted(team.counts) == list(range(1, 11))
    assert team.counts == {1: 0, 2: 1, 3: 2, 4: 1, 5: 1, 6: 0, 7: 0, 8: 0, 9: 0, 10: 0}
    assert team.total == 5
    assert team.least_covered == 1

    channel = await retro_service.coverage(T1, channel_id=A.channel_id)
    assert channel.counts == {**dict.fromkeys(range(1, 11), 0), 2: 1, 3: 2, 4: 1}
    assert channel.total == 4
    assert (await retro_service.coverage(T1, channel_id=B.channel_id)).counts[5] == 1

    other = await retro_service.coverage(T2)
    assert other.counts == {**dict.fromkeys(range(1, 11), 0), 2: 1, 6: 1}
    assert other.total == 1

    older = await retro_service.coverage(T1, since=now - dt.timedelta(days=30),
                                         until=now - dt.timedelta(days=10))
    assert older.counts == {**dict.fromkeys(range(1, 11), 0), 1: 1, 2: 1, 3: 1, 4: 1, 7: 1}
    assert older.total == 3


async def test_least_covered_is_the_smallest_count(retro_service, clock):
    # Every principle once or more; principle 6 once, all others twice.
    for tags in (["#1", "#2", "#3"], ["#4", "#5", "#6"], ["#7", "#8", "#9"],
                 ["#10", "#1", "#2"], ["#3", "#4", "#5"], ["#7", "#8", "#9"], ["#10"]):
        await retro_service.add(A, "U1", "x", tags)
    clock.advance(minutes=1)
    coverage = await retro_service.coverage(T1)
    assert coverage.counts == {**dict.fromkeys(range(1, 11), 2), 6: 1}
    assert coverage.least_covered == 6

    empty = await retro_service.coverage(T2)
    assert empty.total == 0 and empty.least_covered == 1


def test_least_covered_breaks_ties_by_the_lowest_number():
    since = START - dt.timedelta(weeks=4)
    counts = {1: 3, 2: 1, 3: 2, 4: 1, 5: 1}
    assert Coverage(counts, 8, since, START).least_covered == 2
    assert Coverage({}, 0, since, START).least_covered is None


# ---------------------------------------------------------------------- your data


async def test_for_person_returns_what_they_authored_or_own(retro_service):
    await retro_service.add(A, "U1", "by U1", ["#4"])
    await retro_service.add(B, "U3", "by U3 for U2", ["#4"], owner_id="U2")
    await retro_service.add(A, "U3", "by U3", ["#4"])
    await retro_service.add(B, "U1", "by U1, done", ["#4"])
    await retro_service.set_done(B, 4, True)
    await retro_service.add(OTHER_TEAM, "U1", "U1 in another team", ["#4"])

    assert numbers(await retro_service.for_person(T1, "U1")) == [1]
    assert numbers(await retro_service.for_person(T1, "U1", status="all")) == [4, 1]
    assert numbers(await retro_service.for_person(T1, "U1", status="done")) == [4]
    assert numbers(await retro_service.for_person(T1, "U2")) == [2]
    assert numbers(await retro_service.for_person(T1, "U3")) == [3, 2]
    assert numbers(await retro_service.for_person(T1, "U4", status="all")) == []
    mine_elsewhere = await retro_service.for_person(T2, "U1", status="all")
    assert [a.text for a in mine_elsewhere.actions] == ["U1 in another team"]
    assert await retro_service.count_authored(T1, "U1") == 2
    assert await retro_service.count_authored(T1, "U2") == 0
    await retro_service.add(A, "U2", "by U2 for U2", ["#4"], owner_id="U2")
    # Owned but written by someone else: what forget-me would take the person off.
    assert await retro_service.count_owned(T1, "U2") == 1
    assert await retro_service.count_owned(T1, "U1") == 0


async def test_for_person_merges_authored_and_owned_newest_first_a_page_at_a_time(
        retro_service, clock):
    owners = ["U2", None, "U1", "U3", "U1"]  # U1 authors odd numbers and owns some others
    for i in range(20):
        clock.advance(minutes=1)
        author = "U1" if i % 2 == 0 else "U9"
        await retro_service.add(A if i % 3 else B, author, f"Action {i}", ["#4"],
                                owner_id=owners[i % len(owners)])
    expected = [n for n in range(20, 0, -1)
                if n % 2 == 1 or owners[(n - 1) % len(owners)] == "U1"]
    pages = [await retro_service.for_person(T1, "U1", status="all", offset=o, limit=5)
             for o in range(0, len(expected) + 5, 5)]
    assert [n for page in pages for n in numbers(page)] == expected
    assert {(page.total, page.exact) for page in pages} == {(len(expected), True)}
    assert [page.has_more for page in pages] == [
        page.offset + 5 < len(expected) for page in pages]


async def test_forget_person_deletes_their_actions_and_unassigns_them_in_that_team(retro_service,
                                                                                   clock, engine):
    await retro_service.add(A, "U1", "mine", ["#4.2", "#3"])
    await retro_service.add(B, "U1", "mine too", ["#5"], owner_id="U2")
    await retro_service.add(A, "U2", "theirs, owned by me", ["#6"], owner_id="U1")
    await retro_service.add(A, "U2", "theirs", ["#7"])
    await retro_service.add(OTHER_TEAM, "U1", "mine in another team", ["#8"])
    await retro_service.add(OTHER_TEAM, "U2", "owned by me there", ["#9"], owner_id="U1")
    clock.advance(days=1)

    assert await retro_service.forget_person(T1, "U1") == (2, 1)

    assert await retro_service.count_authored(T1, "U1") == 0
    assert (await retro_service.for_person(T1, "U1", status="all")).total == 0
    remaining = await retro_service.export(team_id=T1)
    assert [(a.number, a.author_id, a.owner_id) for a in remaining] == [
        (3, "U2", None), (4, "U2", None)]
    assert await tag_rows_of(engine, T1) == [(3, "6"), (4, "7")]
    assert await orphan_tags(engine) == 0
    # Another team's actions are untouched.
    assert await retro_service.count_authored(T2, "U1") == 1
    assert [(a.author_id, a.owner_id) for a in await retro_service.export(team_id=T2)] == [
        ("U1", None), ("U2", "U1")]
    assert await tag_rows_of(engine, T2) == [(1, "8"), (2, "9")]

    assert await retro_service.forget_person(T1, "U1") == (0, 0)


# ---------------------------------------------------------------------- export


async def _export_fixture(service, clock):
    await service.add(A, "U1", 'Say "hello", then wait\nnext line — café <&>', ["#4.2", "#3"],
                      owner_id="U2", due_date=dt.date(2025, 4, 1),
                      permalink="https://x.slack.com/archives/C0A/p1")
    clock.advance(hours=2)
    await service.add(B, "U3", CONFIDENT)
    clock.advance(hours=2)
    await service.set_done(B, 2, True)
    await service.add(OTHER_TEAM, "U1", "Other team", ["#1"])
    return await service.export(team_id=T1)


async def test_export_csv_has_the_columns_and_parses_back(retro_service, clock):
    actions = await _export_fixture(retro_service, clock)
    out = io.StringIO()
    write_actions(actions, "csv", out)
    reader = csv.DictReader(io.StringIO(out.getvalue(), newline=""))
    records = list(reader)
    assert tuple(reader.fieldnames) == COLUMNS
    assert len(records) == 2

    first, second = records
    assert first["text"] == 'Say "hello", then wait\nnext line — café <&>'
    assert (first["team_id"], first["channel_id"], first["number"]) == (T1, "C0A", "1")
    assert (first["tags"], first["principles"], first["auto_tagged"]) == ("4.2 3", "3 4", "no")
    assert (first["author_id"], first["owner_id"], first["status"]) == ("U1", "U2", "open")
    assert first["due_date"] == "2025-04-01"
    assert dt.datetime.fromisoformat(first["created_at"]) == START
    assert first["done_at"] == ""
    assert first["permalink"] == "https://x.slack.com/archives/C0A/p1"

    assert (second["channel_id"], second["number"], second["status"]) == ("C0B", "2", "done")
    assert (second["tags"], second["principles"], second["auto_tagged"]) == ("3.4", "3", "yes")
    assert second["owner_id"] == "" and second["due_date"] == ""
    assert dt.datetime.fromisoformat(second["done_at"]) == START + dt.timedelta(hours=4)


async def test_export_json_has_the_columns_and_parses_back(retro_service, clock):
    actions = await _export_fixture(retro_service, clock)
    out = io.StringIO()
    write_actions(actions, "json", out)
    records = json.loads(out.getvalue())
    assert [tuple(record) for record in records] == [COLUMNS, COLUMNS]
    first, second = records
    assert first["text"] == 'Say "hello", then wait\nnext line — café <&>'
    assert (first["number"], first["tags"], first["principles"]) == (1, ["4.2", "3"], [3, 4])
    assert (first["auto_tagged"], first["owner_id"], first["done_at"]) == (False, "U2", None)
    assert first["due_date"] == "2025-04-01"
    assert dt.datetime.fromisoformat(first["created_at"]) == START
    assert (second["status"], second["auto_tagged"], second["tags"]) == ("done", True, ["3.4"])
    assert dt.datetime.fromisoformat(second["done_at"]) == START + dt.timedelta(hours=4)

    everything = await retro_service.export()
    assert [(a.team_id, a.number) for a in everything] == [(T1, 1), (T1, 2), (T2, 1)]
    only_b = await retro_service.export(team_id=T1, channel_id=B.channel_id)
    assert [a.number for a in only_b] == [2]
