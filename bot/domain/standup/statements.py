"""The statements of a stand-up click, built once with bound parameters: a click runs a handful
of them, and building each anew cost more than sending it. The dialect's INSERT ... ON CONFLICT
is built once per dialect."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Select, Update, bindparam, exists, func, or_, select, update

from bot.domain.standup.rows import RESPONSES, RUNS, TICKS
from bot.storage.dialect import insert_of
from bot.storage.models import StandupReminderRow

REMINDERS = StandupReminderRow.__table__
RESPONSE_ORDER = (RESPONSES.c.first_at, RESPONSES.c.user_id)


def _run(channel: bool, person: bool) -> Select[Any]:
    """The run's columns, when it belongs to the team and (with `channel`) the channel a click
    came from, or (with `person`) that person was reminded of it in their DM. Parameters:
    run_id, team_id, channel_id, person."""
    query = select(RUNS).where(RUNS.c.id == bindparam("run_id"),
                               RUNS.c.team_id == bindparam("team_id"))
    if channel:
        reachable = RUNS.c.channel_id == bindparam("channel_id")
        if person:
            reachable = or_(reachable, exists().where(
                REMINDERS.c.run_id == RUNS.c.id, REMINDERS.c.user_id == bindparam("person")))
        query = query.where(reachable)
    return query


RUN = {(channel, person): _run(channel, person)
       for channel, person in ((False, False), (True, False), (True, True))}
LOCKED_RUN = {key: query.with_for_update() for key, query in RUN.items()}

# Parameters: run_id and the counts (bot.domain.standup.tally.Tally.columns, prefixed "new_").
SAVE_TALLY: Update = update(RUNS).where(RUNS.c.id == bindparam("run_id")).values(
    revision=RUNS.c.revision + 1,
    responded_count=bindparam("new_responded_count"), done_count=bindparam("new_done_count"),
    blocked_count=bindparam("new_blocked_count"), tick_counts=bindparam("new_tick_counts"),
).returning(RUNS.c.revision)

# Parameters: run_id, of_team, seen_revision, seen_ts (None: keep the message as it is).
CLAIM_DRAWING: Update = update(RUNS).where(
    RUNS.c.id == bindparam("run_id"), RUNS.c.team_id == bindparam("of_team"),
    RUNS.c.revision == bindparam("seen_revision"),
).values(version=RUNS.c.version + 1,
         message_ts=func.coalesce(RUNS.c.message_ts, bindparam("seen_ts"))
         ).returning(*RUNS.c)

# Parameters: run_id, user_id.
RESPONSE = select(RESPONSES).where(RESPONSES.c.run_id == bindparam("run_id"),
                                   RESPONSES.c.user_id == bindparam("user_id"))
TICKS_OF = select(TICKS.c.item_id).where(TICKS.c.run_id == bindparam("run_id"),
                                         TICKS.c.user_id == bindparam("user_id"))

# Parameters: run_id, limit.
FIRST_RESPONDERS = select(RESPONSES.c.user_id).where(
    RESPONSES.c.run_id == bindparam("run_id")).order_by(*RESPONSE_ORDER).limit(
    bindparam("limit"))
FIRST_BLOCKED = select(RESPONSES.c.user_id, RESPONSES.c.note, RESPONSES.c.share_note).where(
    RESPONSES.c.run_id == bindparam("run_id"), RESPONSES.c.blocked.is_(True),
).order_by(*RESPONSE_ORDER).limit(bindparam("limit"))


@functools.cache
def new_response(dialect: str) -> Any:
    """INSERT of a response unless the person has one, returning user_id when it was made;
    its columns come from the parameters."""
    return insert_of(dialect)(RESPONSES).on_conflict_do_nothing(
        index_elements=["run_id", "user_id"]).returning(RESPONSES.c.user_id)


@functools.cache
def new_ticks(dialect: str) -> Any:
    """INSERT of ticks (one parameter set each) that are not there yet, returning the item id
    of each one made."""
    return insert_of(dialect)(TICKS).on_conflict_do_nothing().returning(TICKS.c.item_id)
