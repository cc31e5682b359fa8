"""Block Kit of stand-ups: the shared checklist message, a person's own copy, the blocker modal,
lists, help and reports. Owns the feature's action, block and callback ids."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    CheckboxesElement,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.domain.ids import row_number
from bot.domain.standup.values import MAX_NOTE, NAMED, Blocker, Report, Run, Summary
from handlers.kit import limits
from handlers.kit.blocks import (
    button,
    context,
    header,
    message_blocks,
    modal,
    option,
    plain,
    section,
)
from handlers.kit.text import channel_link, escape, mention, quote_user_text
from knowledge.models import Checklist, KnowledgeBase

TICK = "standup_tick"  # a box of the shared message
TICK_MINE = "standup_tick_mine"  # a box of a person's own copy
MY_ANSWERS = "standup_mine"
BLOCKED = "standup_blocked"
DONE = "standup_done"
LOG_SKIPPED_PREFIX = "standup_retro_"  # + the practice id with "_" for "."
BLOCKED_MODAL_CALLBACK = "standup_blocked_modal"
FIELD_NOTE = "note"
FIELD_SHARE = "share"
ITEMS_BLOCK_PREFIX = "standup_items"
MINE_BLOCK_PREFIX = "standup_mine"
NAMES_SHOWN = NAMED  # the summary names no more
NOTE_SHOWN = 140
REPORT_ITEMS = 25


def items_block_id(run_id: int, version: int) -> str:
    """The checkbox block's id names the message version the person's boxes belong to."""
    return f"{ITEMS_BLOCK_PREFIX}:{run_id}:{version}"


def read_checkbox_block_id(block_id: str) -> tuple[int, int | None]:
    """The run and, for the shared message, the version its boxes were drawn at; None for a
    person's own copy, whose boxes show their complete ticks."""
    prefix, run, *versions = block_id.split(":")
    run_id = row_number(run)
    # Versions count from 0; nine digits keep them within the database's integer.
    typed = versions[0] if len(versions) == 1 else ""
    version = int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= 9 else None
    if run_id is not None and prefix == ITEMS_BLOCK_PREFIX and version is not None:
        return run_id, version
    if run_id is not None and prefix == MINE_BLOCK_PREFIX and not versions:
        return run_id, None
    raise ValueError(block_id)


def people(user_ids: tuple[str, ...], total: int, shown: int = NAMES_SHOWN) -> str:
    """`<@U1>, <@U2> and 12 others` for the first of `total` people: everyone fits, however
    many responded."""
    if not total:
        return "nobody yet"
    names = [mention(u) for u in user_ids[:shown]]
    hidden = total - len(names)
    return ", ".join(names) + (f" and {hidden} other{'s' if hidden > 1 else ''}"
                               if hidden > 0 else "")


def blocked_line(blocked: tuple[Blocker, ...], total: int,
                 budget: int = limits.SECTION_TEXT - 200) -> str:
    """Names (and shared notes) of the first of `total` blocked people, as many as fit in a
    section, then "and N others": never cut in the middle of a mention or a note."""
    shown: list[str] = []
    used = 0
    for blocker in blocked[:NAMES_SHOWN]:
        entry = mention(blocker.user_id) + (
            f" (\u201c{quote_user_text(blocker.note, NOTE_SHOWN)}\u201d)" if blocker.note
            else "")
        if used + len(entry) + 2 > budget:
            break
        shown.append(entry)
        used += len(entry) + 2
    hidden = total - len(shown)
    tail = f" and {hidden} other{'s' if hidden > 1 else ''}" if hidden > 0 else ""
    return ", ".join(shown) + tail


def run_blocks(summary: Summary) -> list[Block]:
    """The shared checklist: tick boxes with counts, who responded, who is blocked."""
    run = summary.run
    options = [
        option(item.id, item.text, f"{summary.count(item.id)} of {summary.responded} \u00b7 "
                                   f"practice {item.practice_id}")
        for item in run.checklist.items
    ]
    blocks: list[Block] = [
        header(run.checklist.title),
        context(f"Started by {mention(run.started_by)} \u00b7 {summary.responded} responded "
                f"\u00b7 {summary.done} done \u00b7 tick what is true for you"),
        ActionsBlock(block_id=items_block_id(run.id, run.version),
                     elements=[CheckboxesElement(action_id=TICK, options=options)]),
    ]
    if summary.blocked:
        blocks.append(section(":construction: Blocked: "
                              + blocked_line(summary.first_blocked, summary.blocked)))
    blocks.append(context(f"Responded: {people(summary.first_responders, summary.responded)}"))
    blocks.append(ActionsBlock(block_id=f"standup_buttons:{run.id}", elements=[
        button("My answers", MY_ANSWERS, str(run.id)),
        button("Blocked\u2026", BLOCKED, str(run.id)),
        button("Done", DONE, str(run.id), style="primary"),
    ]))
    return blocks


def my_answers_blocks(run: Run, ticks: frozenset[str]) -> list[Block]:
    """A person's own copy of the checklist, drawn with their ticks, where unticking works."""
    options = [option(item.id, item.text) for item in run.checklist.items]
    chosen = [o for o in options if o.value in ticks]
    return [
        section(f"*Your answers: {escape(run.checklist.title)}*"),
        ActionsBlock(block_id=f"{MINE_BLOCK_PREFIX}:{run.id}", elements=[
            CheckboxesElement(action_id=TICK_MINE, options=options,
                              initial_options=chosen or None),
        ]),
        context("Only you see this. Tick and untick here; the channel message shows "
                "everyone's totals."),
    ]


def run_text(summary: Summary) -> str:
    return f"{summary.run.checklist.title}: {summary.responded} responded"


def blocked_modal() -> View:
    """The blocker form; which run it is about is stored when it opens (handlers.kit.forms)."""
    return modal("I'm blocked", [
        InputBlock(block_id=FIELD_NOTE, optional=True,
                   label=plain("What is blocking you?", limits.INPUT_LABEL),
                   element=PlainTextInputElement(action_id=FIELD_NOTE, multiline=True,
                                                 max_length=MAX_NOTE)),
        InputBlock(block_id=FIELD_SHARE, optional=True,
                   label=plain("Visibility", limits.INPUT_LABEL),
                   element=CheckboxesElement(action_id=FIELD_SHARE, options=[
                       option("share", "Show my note in the channel"),
                   ])),
        context("The channel sees that you are blocked; your note only if you tick the box."),
    ], callback_id=BLOCKED_MODAL_CALLBACK, submit="Save")


def list_blocks(checklists: dict[str, Checklist], knowledge: KnowledgeBase) -> list[Block]:
    lines = [f"\u2022 `/standup {c.name}` \u2014 {escape(c.title)} ({len(c.items)} items)"
             for c in checklists.values()]
    lines.append(f"\u2022 `/standup principle N` \u2014 one question per practice of principle "
                 f"N (1\u2013{len(knowledge.principles)})")
    return [section("*Checklists*\n" + "\n".join(lines))]


def help_blocks() -> list[Block]:
    lines = [
        "*`/standup`* \u2014 a short stand-up checklist tied to the OECD principles",
        "\u2022 `/standup` \u2014 post the daily checklist in this channel (or offer today's, "
        "if there is one); everyone ticks their own boxes, presses *Blocked\u2026* or *Done*",
        "\u2022 `/standup new` \u2014 start another run today on purpose",
        "\u2022 `/standup NAME` \u2014 another checklist, e.g. `/standup weekly` "
        "(`/standup list` shows them)",
        "\u2022 `/standup principle 4` \u2014 one question per practice of a principle",
        "\u2022 `/standup report 30` \u2014 what this channel ticks and skips (default 14 "
        "days)",
        "\u2022 `/standup schedule mon-fri 09:30 Europe/Paris checklist daily` \u2014 post it "
        "by itself (a bare time: weekdays, your time zone); `/standup schedule` shows it",
        "\u2022 `/standup schedule off`, `/standup schedule resume` \u2014 stop and restart it",
        "\u2022 `/standup schedule skip 2026-12-24` \u2014 no stand-up that day; "
        "`/standup schedule skip` lists the skipped days",
        "\u2022 `/standup join`, `/standup leave`, `/standup who` \u2014 who takes part",
        "\u2022 `/standup remind 90` \u2014 DM whoever joined and hasn't answered, 90 minutes "
        "after the post; `/standup remind off`",
    ]
    return [section("\n".join(lines))]


def offer_blocks(run: Run) -> list[Block]:
    """A manual `/standup` on a day that already has a run: that run, not a second one."""
    return [
        section(f"This channel already has today's stand-up ({escape(run.checklist.title)}, "
                f"started by {mention(run.started_by)}). Answer it there, or open your own copy:"),
        ActionsBlock(block_id=f"standup_offer:{run.id}", elements=[
            button("My answers", MY_ANSWERS, str(run.id), style="primary"),
        ]),
        context("`/standup new` starts another one anyway."),
    ]


def reminder_blocks(run: Run) -> list[Block]:
    """The DM to a participant who has not answered a run."""
    return [
        section(f":wave: The stand-up in {channel_link(run.channel_id)} is waiting for you: "
                f"*{escape(run.checklist.title)}*."),
        ActionsBlock(block_id=f"standup_remind:{run.id}", elements=[
            button("Open my checklist", MY_ANSWERS, str(run.id), style="primary"),
        ]),
        context("You get this because you joined the channel's stand-ups; "
                "`/standup leave` there stops it."),
    ]


def report_blocks(report: Report, days: int, knowledge: KnowledgeBase) -> list[Block]:
    blocks: list[Block] = [header(f"Stand-ups, last {days} days")]
    if not report.runs:
        blocks.append(section("No stand-ups in this channel in that period. Start one with "
                              "`/standup`."))
        return blocks
    if not report.responders:
        blocks.append(section(f"{report.runs} run(s), 0 people: nobody has ticked anything "
                              "yet."))
        return blocks
    lines = [f"{round(100 * i.completion):>3}%  {escape(i.item.text)} ({i.item.practice_id})"
             for i in report.items[:REPORT_ITEMS]]
    blocks.append(section(f"{report.runs} run(s), {report.responders} people. Completion per "
                          "item:\n```" + "\n".join(lines) + "```"))
    for item in report.most_skipped():
        practice = knowledge.practice(item.item.practice_id)
        if practice is None:
            continue
        principle = knowledge.principle(practice.principle)
        blocks.append(section(
            f"*Often skipped:* {escape(item.item.text)}\n"
            f"{practice.id} {escape(practice.title)} \u2014 principle {practice.principle}"
            + (f": {escape(principle.title)}" if principle else ""),
            accessory=button("Log a retro action",
                             f"{LOG_SKIPPED_PREFIX}{practice.id.replace('.', '_')}",
                             practice.id)))
    return message_blocks(blocks)
