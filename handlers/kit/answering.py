"""Answering within Slack's three seconds, and only with what is true.

A command or a form submission does its work (the commit included) inside the ack window and
answers in the ack itself: a confirmation the person sees was sent after the commit, and a
crash before it leaves Slack's own "did not respond" rather than a confirmation of something
lost. When the work takes longer than ACK_SECONDS (a database that stalls), the ack says it is
still being done, the work goes on, and its answer follows (by response URL for a command, by
updating the modal for a form). Failures become one honest line: an error the person can fix,
"nothing was done" when the database could not be reached, "I can't tell" when it stopped
answering midway; a replayed request is answered with nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.domain.deliveries import Replayed
from bot.domain.errors import DomainError
from handlers.kit.blocks import modal, section
from handlers.kit.replies import api_error, error_text

logger = logging.getLogger("principlebot")

# Slack waits three seconds for an ack; the rest is for the network both ways.
ACK_SECONDS = 2.0
# Neutral about the cause: a slow database or a long queue of questions for the matcher.
STILL_WORKING = (":hourglass_flowing_sand: Still working on it; this is taking longer than "
                 "usual. The answer will follow here.")
NOTHING_DONE = "I couldn't reach the database, so nothing was done. Please try again in a minute."
CANNOT_TELL = ("The database stopped answering, so I can't tell whether this was done. Please "
               "check before you try again.")
SAVING = "Saving\u2026 It is taking longer than usual; this form will say when it is saved."

Later = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Reply:
    """What a command says back (ephemeral), and what to do once it has been said."""

    message: Mapping[str, Any] = field(default_factory=dict)
    then: Later | None = None


@dataclass(frozen=True)
class Submitted:
    """What a form submission answers: close (with `notice` shown if it had to wait), errors
    on fields, and what to do once answered."""

    errors: Mapping[str, str] = field(default_factory=dict)
    notice: str = "Saved."
    then: Later | None = None


def database_failure(error: BaseException) -> str | None:
    """The honest line for a database that failed the work (unreachable, locked, stalled), or
    None for another failure (a bug, which deserves its traceback)."""
    if isinstance(error, PoolTimeout | ConnectionRefusedError):
        return NOTHING_DONE  # no connection was had: no statement ran
    if isinstance(error, DBAPIError):
        if "database is locked" in str(error.orig):
            return NOTHING_DONE  # SQLite gave up waiting for the write lock: nothing written
        if not (error.connection_invalidated or isinstance(error.orig, OSError)):
            return None
        return CANNOT_TELL
    if isinstance(error, TimeoutError | ConnectionError | OSError):
        return CANNOT_TELL
    return None


Answer = TypeVar("Answer")


async def _settled(work: Awaitable[Answer], *, replayed: Answer,
                   refused: Callable[[DomainError], Answer],
                   failed: Callable[[str], Answer]) -> Answer:
    """What `work` answers, its failures turned into answers: a replay into `replayed`, an
    error the person can fix into `refused(error)`, the database's into `failed(line)`."""
    try:
        return await work
    except Replayed:
        return replayed
    except DomainError as error:
        return refused(error)
    except Exception as error:
        line = database_failure(error)
        if line is None:
            raise
        logger.warning("work failed on the database: %r", error)
        return failed(line)


async def answer_command(ack: AsyncAck, respond: AsyncRespond, work: Awaitable[Reply],
                         explain: Callable[[DomainError], str],
                         still_working: str = STILL_WORKING) -> None:
    """Answer a command with what `work` replies: in the ack, or, when the work outlasts
    ACK_SECONDS, by response URL after an ack that says `still_working`."""
    task = asyncio.ensure_future(_settled(
        work, replayed=Reply(), refused=lambda error: Reply({"text": error_text(explain(error))}),
        failed=lambda line: Reply({"text": error_text(line)})))
    done, _ = await asyncio.wait({task}, timeout=ACK_SECONDS)
    if done:
        reply = task.result()
        if reply.message:
            await ack(**reply.message, response_type="ephemeral")
        else:
            await ack()
    else:
        await ack(text=still_working, response_type="ephemeral")
        reply = await task
        if reply.message:
            await respond(**reply.message, response_type="ephemeral", replace_original=True)
    if reply.then is not None:
        await reply.then()


async def answer_submission(ack: AsyncAck, client: AsyncWebClient, view_id: str,
                            work: Awaitable[Submitted],
                            field_of: Callable[[DomainError], str]) -> None:
    task = asyncio.ensure_future(_settled(
        work, replayed=Submitted(),
        refused=lambda error: Submitted(errors={field_of(error): str(error)}, notice=str(error)),
        failed=lambda line: Submitted(errors={"": line}, notice=line)))
    done, _ = await asyncio.wait({task}, timeout=ACK_SECONDS)
    if done:
        result = task.result()
        await _ack_submission(ack, result)
    else:
        await ack(response_action="update", view=notice_view(SAVING))
        result = await task
        await _update(client, view_id, result.notice if not result.errors
                      else f"Not saved: {next(iter(result.errors.values()))}")
    if result.then is not None and not result.errors:
        await result.then()


async def _ack_submission(ack: AsyncAck, result: Submitted) -> None:
    if not result.errors:
        await ack()
    elif "" in result.errors:  # not about one field: say it in place of the form
        await ack(response_action="update", view=notice_view(result.errors[""]))
    else:
        await ack(response_action="errors", errors=dict(result.errors))


def notice_view(text: str) -> View:
    """A modal that only says something, with a Close button."""
    return modal("principlebot", [section(text)], close="Close")


async def _update(client: AsyncWebClient, view_id: str, text: str) -> None:
    try:
        await client.views_update(view_id=view_id, view=notice_view(text))
    except SlackApiError as error:  # closed meanwhile: the confirmation says it anyway
        logger.info("could not update the form: %s", api_error(error))
