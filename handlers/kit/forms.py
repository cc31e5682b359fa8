"""Opening a modal and judging its submission by what the bot stored when it opened it.

`open_form` stores the form's context (bot.domain.forms: the person, the channel the verified
request came from, what the form is about) under a random key, then opens the modal carrying
that key as its external_id. `form_of` finds the context of a submission by that key and the
person submitting: a submission's private_metadata, which a client could change, is never read,
and another person's form key opens nothing.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.domain.forms import Form
from bot.domain.ids import row_number
from handlers.kit.context import channel_of, services_of, team_of, user_of
from handlers.kit.replies import api_error, tell

logger = logging.getLogger("principlebot")


async def open_form(context: AsyncBoltContext, client: AsyncWebClient, trigger_id: str,
                    view: View, *, subject: dict[str, str] | None = None,
                    respond: AsyncRespond | None = None, failure: str | None = None) -> bool:
    """Remember, then open, `view` for the person of this request; on Slack's refusal, log
    and (given `failure`) tell the person. True when it opened."""
    key = secrets.token_urlsafe(24)
    await services_of(context).forms.remember(Form(team_of(context), key, user_of(context),
                                                   channel_of(context), dict(subject or {})))
    view.external_id = key
    try:
        await client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        logger.warning("views.open failed: %s", api_error(error))
        if failure:
            await tell(failure, respond=respond, client=None, user_id=None)
        return False
    return True


async def form_of(context: AsyncBoltContext, view: dict[str, Any]) -> Form:
    """The stored context of the submitted `view`; FormExpired when the bot opened no such
    form for this person."""
    return await services_of(context).forms.recall(
        team_of(context), str(view.get("external_id") or ""), user_of(context))


async def form_about(context: AsyncBoltContext, view: dict[str, Any], key: str,
                     gone: DomainError) -> tuple[Form, int]:
    """The stored context of the submitted `view` and the row number it is about (`key` of its
    subject); `gone` is raised when it names none."""
    form = await form_of(context, view)
    number = row_number(form.subject.get(key, ""))
    if number is None:
        raise gone
    return form, number
