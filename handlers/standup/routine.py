"""`/standup schedule|remind|join|leave|who`: a channel's stand-up routine, answered as text.

Dates and times a person types are read in their Slack time zone unless they name one; a
schedule's skipped days are read in the schedule's own zone (the channel's local days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.domain.schedule.datewords import DATE_FORMS, DateInputError, parse_date
from bot.domain.schedule.timewords import ScheduleInputError, parse_days_time
from bot.domain.services import Services
from bot.domain.standup.schedules import StandupSchedule, StandupScheduleNotFound
from bot.domain.standup.values import StandupError
from handlers.kit.people import user_zone
from handlers.kit.text import escape
from handlers.standup import views
from knowledge.models import Checklist

LOCAL_FORMAT = "%A %d %B %Y, %H:%M %Z"
SCHEDULE_FORMS = (
    "Type days, a time and optionally a time zone and a checklist: `/standup schedule "
    "mon-fri 09:30`, `/standup schedule mon,wed,fri 9:30am Europe/Paris checklist daily`. "
    "Days: weekdays, daily, mon-fri, mon,wed,fri; times: 09:30, 9:30am; zones: IANA names "
    "such as Europe/London."
)
SET_ONE = "Set one with `/standup schedule mon-fri 09:30` (your time zone)."
HINTS: dict[type[DomainError], str] = {
    DateInputError: f"Dates: {DATE_FORMS}.",
    ScheduleInputError: SCHEDULE_FORMS,
    StandupScheduleNotFound: SET_ONE,
}
REMIND_FORMS = "Type `/standup remind 90` (minutes after the post) or `/standup remind off`."


@dataclass(frozen=True)
class Where:
    """Who typed the command, in which workspace and channel."""

    team_id: str
    channel_id: str
    user_id: str


def describe(schedule: StandupSchedule, now: dt.datetime) -> str:
    checklist = f", checklist `{escape(schedule.checklist_name)}`" \
        if schedule.checklist_name else ""
    lines = [f"Stand-up schedule: {schedule.when.describe()}{checklist}."]
    if schedule.paused_reason:
        lines.append(f"*Paused* ({schedule.paused_reason}). Invite me to the channel if "
                     "needed, then `/standup schedule resume`.")
    else:
        local = schedule.next_run_at.astimezone(schedule.when.zone)
        lines.append(f"Next: {local.strftime(LOCAL_FORMAT)}.")
    lines.append(f"Reminders: {schedule.remind_minutes} minutes after the post."
                 if schedule.remind_minutes else "Reminders: off (`/standup remind 90`).")
    today = schedule.day_of(now)
    ahead = [d.isoformat() for d in schedule.skipped if d >= today]
    lines.append(f"Skipped: {', '.join(ahead)}." if ahead else "No days skipped.")
    return " ".join(lines)


def _checklist_words(words: list[str], checklists: dict[str, Checklist]
                     ) -> tuple[list[str], str | None]:
    """The words before `checklist NAME`, and NAME (checked to exist)."""
    lowered = [w.lower() for w in words]
    if "checklist" not in lowered:
        return words, None
    at = lowered.index("checklist")
    name = " ".join(lowered[at + 1:])
    if name not in checklists:
        raise ScheduleInputError(f"There is no checklist `{name}`; `/standup list` shows them.")
    return words[:at], name


async def schedule_reply(services: Services, where: Where, words: list[str],
                         client: AsyncWebClient) -> str:
    """What `/standup schedule WORDS` does, as the text to answer with."""
    schedules = services.standup_schedules
    team, channel = where.team_id, where.channel_id
    verb = words[0].lower() if words else ""
    if verb == "off" and len(words) == 1:
        removed = await schedules.remove(team, channel)
        return ("Scheduled stand-up turned off for this channel." if removed
                else "This channel has no scheduled stand-up.")
    if verb in {"resume", "on"} and len(words) == 1:
        found = await schedules.resume(team, channel)
    elif verb == "skip":
        found = await _skip(services, where, words[1:])
    elif not words:
        found = await schedules.get(team, channel)
        if found is None:
            return f"This channel has no scheduled stand-up. {SET_ONE}"
    else:
        rest, checklist = _checklist_words(words, services.checklists)
        when = parse_days_time(rest, await user_zone(client, where.user_id))
        found = await schedules.set(team, channel, when, checklist, where.user_id)
    return describe(found, services.clock())


async def _skip(services: Services, where: Where, words: list[str]) -> StandupSchedule:
    schedules = services.standup_schedules
    found = await schedules.get(where.team_id, where.channel_id)
    if found is None:
        raise StandupScheduleNotFound("This channel has no scheduled stand-up to skip.")
    if not words:
        return found
    day = parse_date(" ".join(words), found.day_of(services.clock()))
    return await schedules.skip(where.team_id, where.channel_id, day)


async def remind_reply(services: Services, where: Where, words: list[str]) -> str:
    schedules = services.standup_schedules
    lowered = [w.lower() for w in words]
    if not lowered:
        found = await schedules.get(where.team_id, where.channel_id)
        if found is None:
            raise StandupScheduleNotFound("Reminders follow the scheduled stand-up, and this "
                                          "channel has none.")
        return describe(found, services.clock())
    if lowered == ["off"]:
        minutes = None
    elif len(lowered) == 1 and lowered[0].isdecimal() and len(lowered[0]) <= 6:
        minutes = int(lowered[0])
    else:
        raise StandupError(f"I don't understand `{' '.join(words)[:40]}`. " + REMIND_FORMS)
    found = await schedules.set_reminder(where.team_id, where.channel_id, minutes)
    return (f"People who joined (`/standup join`) and have not answered get a DM "
            f"{minutes} minutes after each stand-up is posted." if minutes else
            "Stand-up reminders turned off for this channel.")


async def people_reply(services: Services, where: Where, verb: str) -> str:
    participants = services.participants
    team, channel, user = where.team_id, where.channel_id, where.user_id
    if verb == "join":
        joined = await participants.join(team, channel, user)
        return ("You joined this channel's stand-ups: I'll remind you when you haven't "
                "answered one." if joined else "You already take part in this channel's "
                "stand-ups.")
    if verb == "leave":
        left = await participants.leave(team, channel, user)
        return ("You left this channel's stand-ups; no more reminders." if left
                else "You weren't taking part in this channel's stand-ups.")
    people = await participants.who(team, channel)
    if not people:
        return "Nobody has joined this channel's stand-ups yet: `/standup join`."
    return (f"Taking part in this channel's stand-ups ({len(people)}): "
            f"{views.people(tuple(people), len(people))}")
