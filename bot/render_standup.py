"""Block Kit for stand-ups: the shared checklist message, the blocker modal, lists and reports."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.render import (
    CONTEXT_LIMIT,
    SECTION_LIMIT,
    escape,
    mrkdwn,
    plain,
    quote_user_text,
)
from bot.standup import MAX_NOTE, Report, Response, Summary
from knowledge.models import Checklist, KnowledgeBase

BLOCKED_MODAL_CALLBACK = "standup_blocked_modal"
FIELD_NOTE = "note"
FIELD_SHARE = "share"
ITEMS_BLOCK_PREFIX = "standup_items"
MINE_BLOCK_PREFIX = "standup_mine"
NAMES_SHOWN = 20
NOTE_SHOWN = 140


def items_block_id(run_id: int, version: int) -> str:
    """The checkbox block's id names the message version the person's boxes belong to."""
    return f"{ITEMS_BLOCK_PREFIX}:{run_id}:{version}"


def people(user_ids: list[str], shown: int = NAMES_SHOWN) -> str:
    """`<@U1>, <@U2> and 12 others`: everyone fits, however many responded."""
    if not user_ids:
        return "nobody yet"
    names = ", ".join(f"<@{u}>" for u in user_ids[:shown])
    hidden = len(user_ids) - shown
    return names + (f" and {hidden} other{'s' if hidden > 1 else ''}" if hidden > 0 else "")


def blocked_line(blocked: list[Response], budget: int = SECTION_LIMIT - 200) -> str:
    """Names (and shared notes) of blocked people, as many as fit in a section, then
    "and N others": never cut in the middle of a mention or a note."""
    shown: list[str] = []
    used = 0
    for response in blocked[:NAMES_SHOWN]:
        entry = f"<@{response.user_id}>" + (
            f" (\u201c{quote_user_text(response.note, NOTE_SHOWN)}\u201d)" if response.note
            else "")
        if used + len(entry) + 2 > budget:
            break
        shown.append(entry)
        used += len(entry) + 2
    hidden = len(blocked) - len(shown)
    tail = f" and {hidden} other{'s' if hidden > 1 else ''}" if hidden > 0 else ""
    return ", ".join(shown) + tail


def run_blocks(summary: Summary) -> list[Block]:
    """The shared checklist: tick boxes with counts, who responded, who is blocked."""
    run = summary.run
    responded = [r.user_id for r in summary.responses]
    options = [
        Option(value=item.id, text=plain(item.text, 75),
               description=plain(f"{summary.count(item.id)} of {len(responded)} \u00b7 "
                                  f"practice {item.practice_id}", 75))
        for item in run.checklist.items
    ]
    blocks: list[Block] = [
        HeaderBlock(text=plain(run.checklist.title, 150)),
        ContextBlock(elements=[mrkdwn(
            f"Started by <@{run.started_by}> \u00b7 {len(responded)} responded \u00b7 "
            f"{sum(r.done for r in summary.responses)} done \u00b7 tick what is true for you",
            CONTEXT_LIMIT)]),
        ActionsBlock(block_id=items_block_id(run.id, run.version), elements=[
            CheckboxesElement(action_id="standup_tick", options=options),
        ]),
    ]
    blocked = [r for r in summary.responses if r.blocked]
    if blocked:
        line = blocked_line(blocked)
        blocks.append(SectionBlock(text=mrkdwn(f":construction: Blocked: {line}")))
    blocks.append(ContextBlock(elements=[mrkdwn(f"Responded: {people(responded)}",
                                                 CONTEXT_LIMIT)]))
    blocks.append(ActionsBlock(block_id=f"standup_buttons:{run.id}", elements=[
        ButtonElement(text=plain("My answers", 75), action_id="standup_mine",
                      value=str(run.id)),
        ButtonElement(text=plain("Blocked\u2026", 75), action_id="standup_blocked",
                      value=str(run.id)),
        ButtonElement(text=plain("Done", 75), action_id="standup_done", value=str(run.id),
                      style="primary"),
    ]))
    return blocks


def my_answers_blocks(summary: Summary, ticks: frozenset[str]) -> list[Block]:
    """A person's own copy of the checklist, drawn with their ticks, where unticking works."""
    run = summary.run
    options = [Option(value=item.id, text=plain(item.text, 75)) for item in run.checklist.items]
    chosen = [o for o in options if o.value in ticks]
    return [
        SectionBlock(text=mrkdwn(f"*Your answers: {escape(run.checklist.title)}*")),
        ActionsBlock(block_id=f"{MINE_BLOCK_PREFIX}:{run.id}", elements=[
            CheckboxesElement(action_id="standup_tick_mine", options=options,
                              initial_options=chosen or None),
        ]),
        ContextBlock(elements=[mrkdwn("Only you see this. Tick and untick here; the channel "
                                       "message shows everyone's totals.", CONTEXT_LIMIT)]),
    ]


def read_checkbox_block_id(block_id: str) -> tuple[int, int | None]:
    """The run and, for the shared message, the version its boxes were drawn at; None for a
    person's own copy, whose boxes show their complete ticks."""
    prefix, run_id, *version = block_id.split(":")
    if prefix == ITEMS_BLOCK_PREFIX and len(version) == 1:
        return int(run_id), int(version[0])
    if prefix == MINE_BLOCK_PREFIX and not version:
        return int(run_id), None
    raise ValueError(block_id)


def run_text(summary: Summary) -> str:
    return f"{summary.run.checklist.title}: {len(summary.responses)} responded"


def blocked_modal(run_id: int, channel_id: str, message_ts: str) -> View:
    return View(
        type="modal", callback_id=BLOCKED_MODAL_CALLBACK, title=plain("I'm blocked", 24),
        submit=plain("Save", 24), close=plain("Cancel", 24),
        private_metadata=json.dumps({"run": run_id, "channel": channel_id, "ts": message_ts}),
        blocks=[
            InputBlock(block_id=FIELD_NOTE, optional=True,
                       label=plain("What is blocking you?", 2000),
                       element=PlainTextInputElement(action_id=FIELD_NOTE, multiline=True,
                                                     max_length=MAX_NOTE)),
            InputBlock(block_id=FIELD_SHARE, optional=True, label=plain("Visibility", 2000),
                       element=CheckboxesElement(action_id=FIELD_SHARE, options=[
                           Option(value="share", text=plain("Show my note in the channel", 75)),
                       ])),
            ContextBlock(elements=[mrkdwn(
                "The channel sees that you are blocked; your note only if you tick the box.",
                CONTEXT_LIMIT)]),
        ],
    )


def list_blocks(checklists: dict[str, Checklist], knowledge: KnowledgeBase) -> list[Block]:
    lines = [f"\u2022 `/standup {c.name}` \u2014 {escape(c.title)} ({len(c.items)} items)"
             for c in checklists.values()]
    lines.append(f"\u2022 `/standup principle N` \u2014 one question per practice of principle "
                 f"N (1\u2013{len(knowledge.principles)})")
    return [SectionBlock(text=mrkdwn("*Checklists*\n" + "\n".join(lines)))]


def help_blocks() -> list[Block]:
    lines = [
        "*`/standup`* \u2014 a short stand-up checklist tied to the OECD principles",
        "\u2022 `/standup` \u2014 post the daily checklist in this channel; everyone ticks their "
        "own boxes, presses *Blocked\u2026* or *Done*",
        "\u2022 `/standup NAME` \u2014 another checklist (`/standup list` shows them)",
        "\u2022 `/standup principle 4` \u2014 one question per practice of a principle",
        "\u2022 `/standup report [days]` \u2014 what this channel ticks and skips (default 14 "
        "days)",
    ]
    return [SectionBlock(text=mrkdwn("\n".join(lines)))]


def report_blocks(report: Report, days: int, knowledge: KnowledgeBase) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=plain(f"Stand-ups, last {days} days", 150))]
    if not report.runs:
        blocks.append(SectionBlock(text=mrkdwn(
            "No stand-ups in this channel in that period. Start one with `/standup`.")))
        return blocks
    if not report.responders:
        blocks.append(SectionBlock(text=mrkdwn(
            f"{report.runs} run(s), 0 people: nobody has ticked anything yet.")))
        return blocks
    lines = [f"{round(100 * i.completion):>3}%  {escape(i.item.text)} ({i.item.practice_id})"
             for i in report.items[:25]]
    blocks.append(SectionBlock(text=mrkdwn(
        f"{report.runs} run(s), {report.responders} people. Completion per item:\n```"
        + "\n".join(lines) + "```")))
    for item in report.most_skipped():
        practice = knowledge.practice(item.item.practice_id)
        if practice is None:
            continue
        principle = knowledge.principle(practice.principle)
        blocks.append(SectionBlock(
            text=mrkdwn(f"*Often skipped:* {escape(item.item.text)}\n"
                         f"{practice.id} {practice.title} \u2014 principle {practice.principle}"
                         + (f": {principle.title}" if principle else "")),
            accessory=ButtonElement(text=plain("Log a retro action", 75),
                                    action_id=f"standup_retro_{practice.id.replace('.', '_')}",
                                    value=practice.id),
        ))
    return blocks[:50]
