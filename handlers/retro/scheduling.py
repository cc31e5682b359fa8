"""`/retro schedule ...`: show, set, stop and restart a channel's weekly retro prompt."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.retro.values import Scope
from bot.domain.schedule.service import ScheduleService
from bot.domain.schedule.timewords import parse_weekly_time
from handlers.kit.people import user_zone
from handlers.retro.views import schedule_text

ACCEPTED_FORMS = (
    "Type a day and a time, and optionally a time zone: `/retro schedule friday 15:30`, "
    "`/retro schedule fri 3pm Europe/Paris`. Days: monday to sunday or mon to sun; times: "
    "15:30, 3pm, 3:30pm; zones: IANA names such as Europe/London or America/New_York."
)
SET_ONE = ("Set one with `/retro schedule friday 15:30` (your time zone) or "
           "`/retro schedule fri 3pm Europe/Paris`.")
LOCAL_FORMAT = "%A %d %B %Y, %H:%M %Z"


async def schedule_reply(schedules: ScheduleService, scope: Scope, user: str,
                         words: list[str], client: AsyncWebClient) -> str:
    """What `/retro schedule WORDS` does, as the text to answer with."""
    lowered = [w.lower() for w in words]
    if lowered == ["off"]:
        removed = await schedules.remove(scope.team_id, scope.channel_id)
        return ("Weekly retro prompt turned off for this channel." if removed
                else "This channel has no weekly retro prompt.")
    if lowered in (["resume"], ["on"]):
        found = await schedules.resume(scope.team_id, scope.channel_id)
    elif not words:
        found = await schedules.get(scope.team_id, scope.channel_id)
        if found is None:
            return f"This channel has no weekly retro prompt. {SET_ONE}"
    else:
        zone = await user_zone(client, user)
        found = await schedules.set(scope.team_id, scope.channel_id,
                                    parse_weekly_time(words, zone), user)
    next_local = found.next_run_at.astimezone(found.when.zone)
    return schedule_text(found.when.describe(), next_local.strftime(LOCAL_FORMAT),
                         found.paused_reason)
