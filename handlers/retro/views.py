"""Block Kit of retro actions in messages: confirmations, the channel note, action rows with
Done/Reopen, lists with More, help, a person's data. Owns the feature's action ids."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ConfirmObject

from bot.domain.ids import is_user_id, row_number
from bot.domain.retro.values import STATUSES, Page, RetroAction, Tag
from handlers.kit import limits
from handlers.kit.blocks import button, context, header, message_blocks, section
from handlers.kit.text import channel_link, escape, mention, quote_user_text, truncate
from knowledge.models import KnowledgeBase, Practice

DONE = "retro_done"
REOPEN = "retro_reopen"
CHANGE_TAGS = "retro_change_tags"
LOG_OPEN = "retro_log_open"
LIST_MORE = "retro_list_more"
FORGET_CONFIRM = "retro_forget_confirm"
EDIT = "retro_edit"
DELETE = "retro_delete"
UNDO = "retro_undo"
LOG_SHORTCUT = "log_retro_action"
LIST_PAGE_SIZE = 10
MYDATA_SHOWN = 20
MAX_OFFSET = 1_000_000
TAG_LABEL = 60


def action_value(action: RetroAction) -> str:
    """What a button carries to name an action: its channel and number. Only the number is
    read back: where a click may act comes from the request and the stored action."""
    return f"{action.channel_id}:{action.number}"


def read_action_value(value: str) -> int | None:
    """The action number a button names; None when the value names none that can exist."""
    return row_number(value.rpartition(":")[2])


def tag_label(tag: Tag, knowledge: KnowledgeBase) -> str:
    if tag.is_practice:
        practice = knowledge.practice(tag.tag)
        return f"{tag.tag} {practice.title}" if practice else tag.tag
    principle = knowledge.principle(tag.principle)
    return f"Principle {tag.tag}" + (f": {principle.title}" if principle else "")


def tags_text(action: RetroAction, knowledge: KnowledgeBase) -> str:
    if not action.tags:
        return "no tag"
    labels = ", ".join(escape(truncate(tag_label(t, knowledge), TAG_LABEL)) for t in action.tags)
    return labels + (" (auto-tagged)" if action.auto_tagged else "")


def counted(page: Page, shown: int = 0) -> str:
    """How many match beyond the first `shown`: "12", or "100+" when counting stopped."""
    return f"{page.total - shown}{'' if page.exact else '+'}"


def action_summary(action: RetroAction) -> str:
    """`#42 fix the form` with the user text escaped and kept short."""
    return f"*#{action.number}* {quote_user_text(action.text, 500)}"


def action_details(action: RetroAction, knowledge: KnowledgeBase) -> str:
    parts = [tags_text(action, knowledge), f"by {mention(action.author_id)}"]
    if action.owner_id:
        parts.append(f"owner {mention(action.owner_id)}")
    if action.due_date:
        parts.append(f"due {action.due_date.isoformat()}")
    parts.append("done" if action.status == "done" else "open")
    return " \u00b7 ".join(parts)


def confirmation_blocks(action: RetroAction, knowledge: KnowledgeBase) -> list[Block]:
    """Shown to the author once the action is saved."""
    return [
        section(f":white_check_mark: Logged {action_summary(action)}"),
        context(action_details(action, knowledge)),
        ActionsBlock(block_id=f"retro_confirm_{action.number}", elements=[
            button("Change tags", CHANGE_TAGS, action_value(action)),
        ]),
    ]


def channel_note(action: RetroAction, knowledge: KnowledgeBase) -> str:
    """The short visible note in the channel."""
    return truncate(f"{mention(action.author_id)} logged retro action {action_summary(action)} "
                    f"({tags_text(action, knowledge)})", limits.SECTION_TEXT)


def done_button(action: RetroAction, done_id: str = DONE,
                reopen_id: str = REOPEN) -> ButtonElement:
    if action.status == "done":
        return button("Reopen", reopen_id, action_value(action))
    return button("Done", done_id, action_value(action), style="primary")


def action_blocks(action: RetroAction, knowledge: KnowledgeBase,
                  toggle: ButtonElement | None = None, *, tools: bool = False) -> list[Block]:
    """An action's row: summary with its Done/Reopen button (`toggle` for another surface's
    own button), then its details; with `tools`, its Edit and Delete buttons."""
    blocks: list[Block] = [
        section(action_summary(action), accessory=toggle or done_button(action)),
        context(action_details(action, knowledge)),
    ]
    if tools:
        blocks.append(ActionsBlock(block_id=f"retro_tools:{action_value(action)}", elements=[
            button("Edit", EDIT, action_value(action)),
            button("Delete", DELETE, action_value(action), style="danger",
                   confirm=ConfirmObject(title="Delete this action?",
                                         text=f"#{action.number} will be deleted. You can "
                                              "undo it for a few minutes.",
                                         confirm="Delete", deny="Keep")),
        ]))
    return blocks


def change_blocks(action: RetroAction, knowledge: KnowledgeBase, what: str) -> list[Block]:
    """Shown to whoever changed an action, once the change is saved."""
    return [section(f":pencil2: {what}: {action_summary(action)}"),
            context(action_details(action, knowledge))]


def change_note(action: RetroAction, actor: str, what: str) -> str:
    """The short visible note in the channel after a change."""
    return truncate(f"{mention(actor)} changed retro action {action_summary(action)}: {what}",
                    limits.SECTION_TEXT)


def deleted_blocks(action: RetroAction, undo_key: int) -> list[Block]:
    return [section(f":wastebasket: Deleted {action_summary(action)}",
                    accessory=button("Undo", UNDO, str(undo_key))),
            context("Undo works for a few minutes, for you only.")]


def _swap_row(blocks: list[dict[str, Any]], action: RetroAction,
              replacement: list[dict[str, Any]], dropped: set[str]) -> list[dict[str, Any]]:
    """The blocks of a message with one action's summary and details swapped for
    `replacement`, the blocks whose ids are in `dropped` left out, everything else as it was."""
    value = action_value(action)
    result: list[dict[str, Any]] = []
    skip_details = False
    for block in blocks:
        if skip_details and block.get("type") == "context":
            skip_details = False
            continue
        skip_details = False
        if block.get("accessory", {}).get("value") == value:
            result += replacement
            skip_details = True
        elif block.get("block_id") not in dropped:
            result.append(block)
    return result


def without_action(blocks: list[dict[str, Any]], action: RetroAction,
                   replacement: list[Block]) -> list[dict[str, Any]]:
    """A list message with one action's row (summary, details, tools) swapped for
    `replacement` (after a delete)."""
    return _swap_row(blocks, action, [b.to_dict() for b in replacement],
                     {f"retro_tools:{action_value(action)}"})


def replace_action(blocks: list[dict[str, Any]], action: RetroAction,
                   knowledge: KnowledgeBase) -> list[dict[str, Any]]:
    """The blocks of a message with one action's section and details redrawn (after a click),
    everything else as it was."""
    return _swap_row(blocks, action, [b.to_dict() for b in action_blocks(action, knowledge)],
                     set())


def list_blocks(page: Page, knowledge: KnowledgeBase, *, title: str,
                more_value: str | None) -> list[Block]:
    """A page of actions with Done/Reopen buttons and, when there are more, a More button."""
    blocks: list[Block] = [header(title)]
    if not page.actions:
        blocks.append(section("No actions here yet. Log one with `/retro add what we will do "
                              "#4`."))
        return blocks
    for action in page.actions:
        blocks += action_blocks(action, knowledge, tools=True)
    shown_to = page.offset + len(page.actions)
    blocks.append(context(f"Showing {page.offset + 1}\u2013{shown_to} of {counted(page)}."))
    if page.has_more and more_value:
        blocks.append(ActionsBlock(block_id=LIST_MORE,
                                   elements=[button("More", LIST_MORE, more_value)]))
    return blocks


def list_more_value(status: str, principle: int | None, owner: str | None, offset: int) -> str:
    return json.dumps({"s": status, "p": principle, "o": owner, "n": offset})


def read_list_more_value(value: str) -> tuple[str, int | None, str | None, int]:
    """The More button's filters and offset; what does not read as one is left out (the
    list then starts over, unfiltered)."""
    try:
        data = json.loads(value)
    except ValueError:
        data = None
    data = data if isinstance(data, dict) else {}
    status = data.get("s") if data.get("s") in STATUSES else "open"
    principle = data.get("p") if isinstance(data.get("p"), int) and 0 < data["p"] < 100 else None
    owner = data.get("o") if is_user_id(data.get("o")) else None
    offset = data.get("n") if isinstance(data.get("n"), int) and 0 <= data["n"] < MAX_OFFSET else 0
    return status, principle, owner, offset


def help_blocks() -> list[Block]:
    lines = [
        "*`/retro`* \u2014 retrospective actions, tagged by principle",
        "\u2022 `/retro add what we will do #4 @person` \u2014 log an action; tags are a "
        "principle (`#4`), a practice (`#4.2`) or a word (`#security`); with no tag I propose "
        "one",
        "\u2022 `/retro` \u2014 a form to log an action with owner and due date",
        "\u2022 `/retro list [open|done|all] [#4] [@person]` \u2014 this channel's actions",
        "\u2022 `/retro done 42`, `/retro reopen 42` \u2014 close an action or open it again",
        "\u2022 `/retro delete 42` \u2014 delete it (*Undo* for a few minutes)",
        "\u2022 `/retro assign 42 @person` \u2014 a new owner (`me`, or `nobody`)",
        "\u2022 `/retro due 42 friday` \u2014 a due date: `2026-12-24`, `next week`, "
        "`in 3 days`, `none`; the owner gets a DM at 09:00 that day",
        "\u2022 `/retro edit 42 the new text` \u2014 new text (*Edit* on a listed action "
        "changes owner, due date and tags too)",
        "\u2022 `/retro export csv` \u2014 this channel's actions as a file, by DM (or `json`)",
        "\u2022 `/retro schedule friday 15:30 [Europe/Paris]` \u2014 a weekly retro prompt in "
        "this channel; `/retro schedule` shows it, `off` and `resume` stop and restart it",
        "\u2022 `/retro mydata` \u2014 what I hold about you; `/retro forget-me` deletes it",
        "\u2022 Message menu \u2192 *Log as retro action* turns any message into an action.",
        "Your Home tab shows your open actions and which principles the team neglects.",
    ]
    return [section("\n".join(lines))]


def mydata_blocks(page: Page, knowledge: KnowledgeBase) -> list[Block]:
    blocks: list[Block] = [
        header("What principlebot holds about you"),
        section(f"{counted(page)} retro action(s) you wrote or own, in this workspace. Each "
                "holds its text, tags, channel, author, owner, due date and dates. Besides these: "
                "the channels whose stand-ups you joined, your stand-up ticks, and which "
                "reminders you were sent."),
    ]
    for action in page.actions:
        blocks.append(section(f"{action_summary(action)} in {channel_link(action.channel_id)}"))
        blocks.append(context(action_details(action, knowledge)))
    if page.has_more:
        blocks.append(context(f"\u2026and {counted(page, len(page.actions))} more. "
                              "`principlebot export` gives an administrator the full list."))
    return message_blocks(blocks)


def forget_confirmation_blocks(authored: int, owned: int, written: list[RetroAction],
                               channels: list[str]) -> list[Block]:
    """Exactly what `forget-me` deletes, before it does."""
    listed = ", ".join(f"#{a.number} {quote_user_text(a.text, 60)}" for a in written)
    more = f" and {authored - len(written)} more" if authored > len(written) else ""
    lines = [f"This deletes the {authored} retro action(s) you wrote"
             + (f": {listed}{more}" if written else "") + "."]
    if owned:
        lines.append(f"It removes you as owner of {owned} action(s) others wrote; they stay, "
                     "with no owner.")
    if channels:
        lines.append("It takes you out of the stand-ups of "
                     + ", ".join(channel_link(c) for c in channels[:20]) + " (no more reminders).")
    lines.append("It forgets which stand-up and due-date reminders you were sent. Stand-up "
                 "ticks stay in the team's totals. It cannot be undone.")
    return [
        section(truncate("\n".join(lines), limits.SECTION_TEXT)),
        ActionsBlock(block_id="retro_forget", elements=[
            button("Delete my data", FORGET_CONFIRM, "forget", style="danger",
                   confirm=ConfirmObject(title="Delete your data?",
                                         text="Your retro actions will be deleted for good.",
                                         confirm="Delete", deny="Keep")),
        ]),
    ]


def schedule_text(description: str, next_local: str, paused_reason: str | None) -> str:
    if paused_reason:
        return (f"Weekly retro prompt: {description}. *Paused* ({paused_reason}). "
                "Invite me to the channel if needed, then `/retro schedule resume`.")
    return f"Weekly retro prompt: {description}. Next: {next_local}."


def practice_question(practice: Practice) -> str:
    """One practice turned into a question for the team."""
    title, description = escape(practice.title), escape(practice.description)
    return (f"*{practice.id} {title}*: \u201c{description}\u201d\n"
            "When did we last do this, and what would it take this week?")
