"""Writing a new retro action with its team's next number (#42), without a hot row.

Numbers come from one counter row per team. Holding that row's lock while the action and its
tags were written and committed over several round trips made a team's concurrent adds queue
behind each other: with 100 at once on PostgreSQL most connections waited on the lock while its
holder waited for the busy event loop to send its next statement. On PostgreSQL the counter, the
action and its tags are therefore one statement that commits on its own (autocommit): the lock
lasts as long as the statement runs on the server, and the action still gets its number, or
nothing is written at all. SQLite takes the database's write lock at BEGIN anyway, so there the
three statements share one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, Integer, String, bindparam, func, insert, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql import Select

from bot.storage.models import RetroActionRow, RetroTagRow, TeamCounter

ACTIONS = RetroActionRow.__table__
TAGS = RetroTagRow.__table__
COUNTERS = TeamCounter.__table__
# What the caller gives: every column of an action but its id and number.
GIVEN = ("team_id", "channel_id", "author_id", "owner_id", "text", "status", "auto_tagged",
         "due_date", "permalink", "request_key", "created_at", "updated_at")


def _counted(insert_for: Any) -> Any:
    """The team's counter, moved on by one (created at 1), returning the new number."""
    return (insert_for(COUNTERS).values(team_id=bindparam("team_id"), last_number=1)
            .on_conflict_do_update(index_elements=[COUNTERS.c.team_id],
                                   set_={"last_number": COUNTERS.c.last_number + 1})
            .returning(COUNTERS.c.last_number))


def _one_statement(with_tags: bool) -> Select[Any]:
    """PostgreSQL: counter, action and tags (as arrays `tags`, `principles`, `positions`, so
    the text is the same for any number of them) in one statement returning the number."""
    numbered = _counted(pg_insert).cte("numbered")
    chosen = select(*(bindparam(name, type_=ACTIONS.c[name].type) for name in GIVEN),
                    numbered.c.last_number)
    added = (insert(ACTIONS).from_select([*GIVEN, "number"], chosen)
             .returning(ACTIONS.c.id, ACTIONS.c.number).cte("added"))
    statement = select(added.c.number)
    if with_tags:
        given = func.unnest(bindparam("tags", type_=ARRAY(String)),
                            bindparam("principles", type_=ARRAY(Integer)),
                            bindparam("positions", type_=ARRAY(Integer)),
                            ).table_valued("tag", "principle", "position").render_derived(
                                name="given")
        tagged = insert(TAGS).from_select(
            ["action_id", "tag", "team_id", "principle", "position"],
            select(added.c.id, given.c.tag, bindparam("team_id", type_=TAGS.c.team_id.type),
                   given.c.principle, given.c.position).select_from(added).join(given, true()))
        statement = statement.add_cte(tagged.cte("tagged"))
    return statement


# Built once: constructing them cost more than running them.
POSTGRES_ADD = {True: _one_statement(True), False: _one_statement(False)}
SQLITE_COUNTED = _counted(sqlite_insert)
SQLITE_ACTION = insert(ACTIONS).returning(ACTIONS.c.id)
SQLITE_TAGS = insert(TAGS)


async def _in_one_transaction(session: AsyncSession, action: dict[str, Any],
                              tags: Sequence[tuple[str, int]]) -> int:
    async with session.begin():
        team_id = action["team_id"]
        number = int((await session.execute(SQLITE_COUNTED, {"team_id": team_id})).scalar_one())
        action_id = (await session.execute(SQLITE_ACTION, {**action, "number": number})
                     ).scalar_one()
        if tags:
            await session.execute(SQLITE_TAGS, [
                {"action_id": action_id, "tag": tag, "team_id": team_id, "principle": principle,
                 "position": position} for position, (tag, principle) in enumerate(tags)])
    return number


async def insert_numbered(sessions: async_sessionmaker[AsyncSession], action: dict[str, Any],
                          tags: Sequence[tuple[str, int]]) -> int:
    """Store `action` (the GIVEN columns) with `tags` ((tag, principle), in order)
    under its team's next number, committed; the number. Raises IntegrityError, and stores
    nothing, when the action breaks a constraint (a repeated request key)."""
    async with sessions() as session:
        if session.bind.dialect.name != "postgresql":
            return await _in_one_transaction(session, action, tags)
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        parameters = dict(action)
        if tags:
            parameters.update(tags=[tag for tag, _ in tags],
                              principles=[principle for _, principle in tags],
                              positions=list(range(len(tags))))
        return int((await session.execute(POSTGRES_ADD[bool(tags)], parameters)).scalar_one())
