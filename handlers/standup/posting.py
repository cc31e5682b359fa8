"""Posting a stand-up run's checklist in its channel, for `/standup` and for the schedule.

A run whose post Slack refused is forgotten (it would only sit empty in the reports); one
whose post may have gone through (a timeout, a 5xx) is kept, never posted twice.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.schedule.firing import Delivery, Outcome
from bot.domain.services import Services
from bot.domain.standup.values import Run
from handlers.kit.delivery import UNCERTAIN_ERRORS, refusal
from handlers.standup import views


async def post_run(client: AsyncWebClient, services: Services, run: Run) -> Delivery:
    standups = services.standups
    summary = await standups.summary(run.team_id, run.id)
    try:
        posted = await client.chat_postMessage(channel=run.channel_id,
                                               text=views.run_text(summary),
                                               blocks=views.run_blocks(summary))
    except SlackApiError as error:
        delivery = refusal(error)
    except UNCERTAIN_ERRORS as error:
        delivery = Delivery(Outcome.UNCERTAIN, type(error).__name__)
    except BaseException:
        await standups.mark_unused(run.team_id, run.id)
        raise
    else:
        await standups.set_message(run.team_id, run.id, str(posted["ts"]))
        return Delivery(Outcome.POSTED)
    if delivery.outcome is not Outcome.UNCERTAIN:
        await standups.mark_unused(run.team_id, run.id)
    return delivery


def local_midnight(day: dt.date, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


async def remind_after(services: Services, team_id: str, channel_id: str
                       ) -> dt.timedelta | None:
    """How long after a post the channel's participants are reminded, if at all."""
    schedule = await services.standup_schedules.get(team_id, channel_id)
    if schedule is None or not schedule.remind_minutes:
        return None
    return dt.timedelta(minutes=schedule.remind_minutes)
