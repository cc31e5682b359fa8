"""Block Kit for retro actions: confirmations, lists, the log modal, the tag modal, your data,
and the App Home with coverage by principle."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    Option,
    OptionGroup,
    PlainTextInputElement,
    SectionBlock,
    StaticMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.render import (
    CONTEXT_LIMIT,
    SECTION_LIMIT,
    escape,
    mrkdwn,
    plain,
    quote_user_text,
    truncate,
)
from bot.retro import MAX_TAGS, MAX_TEXT, Coverage, Page, RetroAction, Tag
from knowledge.models import KnowledgeBase, Practice

LOG_MODAL_CALLBACK = "retro_log_modal"
TAGS_MODAL_CALLBACK = "retro_tags_modal"
FIELD_TEXT = "text"
FIELD_OWNER = "owner"
FIELD_DUE = "due"
FIELD_TAGS = "tags"
OPTION_TEXT_LIMIT = 75
LIST_PAGE_SIZE = 10
HOME_ACTIONS = 15
BAR_WIDTH = 20


def tag_label(tag: Tag, knowledge: KnowledgeBase) -> str:
    if tag.is_practice:
        practice = knowledge.practice(tag.tag)
        return f"{tag.tag} {practice.title}" if practice else tag.tag
    principle = knowledge.principle(tag.principle)
    return f"Principle {tag.tag}" + (f": {principle.title}" if principle else "")


def tags_text(action: RetroAction, knowledge: KnowledgeBase) -> str:
    if not action.tags:
        return "no tag"
    labels = ", ".join(escape(truncate(tag_label(t, knowledge), 60)) for t in action.tags)
    return labels + (" (auto-tagged)" if action.auto_tagged else "")


def action_summary(action: RetroAction) -> str:
    """`#42 fix the form` with the user text escaped and kept short."""
    return f"*#{action.number}* {quote_user_text(action.text, 500)}"


def action_details(action: RetroAction, knowledge: KnowledgeBase) -> str:
    parts = [tags_text(action, knowledge), f"by <@{action.author_id}>"]
    if action.owner_id:
        parts.append(f"owner <@{action.owner_id}>")
    if action.due_date:
        parts.append(f"due {action.due_date.isoformat()}")
    parts.append("done" if action.status == "done" else "open")
    return truncate(" \u00b7 ".join(parts), CONTEXT_LIMIT)


def confirmation_blocks(action: RetroAction, knowledge: KnowledgeBase) -> list[Block]:
    """Shown to the author once the action is saved."""
    return [
        SectionBlock(text=mrkdwn(f":white_check_mark: Logged {action_summary(action)}")),
        ContextBlock(elements=[mrkdwn(action_details(action, knowledge), CONTEXT_LIMIT)]),
        ActionsBlock(block_id=f"retro_confirm_{action.number}", elements=[
            ButtonElement(text=plain("Change tags", 75), action_id="retro_change_tags",
                          value=f"{action.channel_id}:{action.number}"),
        ]),
    ]


def channel_note(action: RetroAction, knowledge: KnowledgeBase) -> str:
    """The short visible note in the channel."""
    return truncate(f"<@{action.author_id}> logged retro action {action_summary(action)} "
                    f"({tags_text(action, knowledge)})", SECTION_LIMIT)


def done_button(action: RetroAction) -> ButtonElement:
    value = f"{action.channel_id}:{action.number}"
    if action.status == "done":
        return ButtonElement(text=plain("Reopen", 75), action_id="retro_reopen", value=value)
    return ButtonElement(text=plain("Done", 75), action_id="retro_done", value=value,
                         style="primary")


def action_blocks(action: RetroAction, knowledge: KnowledgeBase) -> list[Block]:
    return [
        SectionBlock(text=mrkdwn(action_summary(action)), accessory=done_button(action)),
        ContextBlock(elements=[mrkdwn(action_details(action, knowledge), CONTEXT_LIMIT)]),
    ]


def replace_action(blocks: list[dict[str, Any]], action: RetroAction,
                   knowledge: KnowledgeBase) -> list[dict[str, Any]]:
    """The blocks of a message with one action's section and details redrawn (after a click),
    everything else as it was."""
    value = f"{action.channel_id}:{action.number}"
    redrawn = [b.to_dict() for b in action_blocks(action, knowledge)]
    result: list[dict[str, Any]] = []
    skip_details = False
    for block in blocks:
        if skip_details and block.get("type") == "context":
            skip_details = False
            continue
        skip_details = False
        if block.get("accessory", {}).get("value") == value:
            result += redrawn
            skip_details = True
        else:
            result.append(block)
    return result


def list_blocks(page: Page, knowledge: KnowledgeBase, *, title: str,
                more_value: str | None) -> list[Block]:
    """A page of actions with Done/Reopen buttons and, when there are more, a More button."""
    blocks: list[Block] = [HeaderBlock(text=plain(title, 150))]
    if not page.actions:
        blocks.append(SectionBlock(text=mrkdwn(
            "No actions here yet. Log one with `/retro add what we will do #4`.")))
        return blocks
    for action in page.actions:
        blocks += action_blocks(action, knowledge)
    shown_to = page.offset + len(page.actions)
    footer = f"Showing {page.offset + 1}\u2013{shown_to} of {page.total}."
    blocks.append(ContextBlock(elements=[mrkdwn(footer, CONTEXT_LIMIT)]))
    if page.has_more and more_value:
        blocks.append(ActionsBlock(block_id="retro_list_more", elements=[
            ButtonElement(text=plain("More", 75), action_id="retro_list_more",
                          value=more_value),
        ]))
    return blocks


def list_more_value(status: str, principle: int | None, owner: str | None, offset: int) -> str:
    return json.dumps({"s": status, "p": principle, "o": owner, "n": offset})


def read_list_more_value(value: str) -> tuple[str, int | None, str | None, int]:
    data = json.loads(value)
    return str(data["s"]), data.get("p"), data.get("o"), int(data["n"])


def _practice_option(practice: Practice) -> Option:
    return Option(value=practice.id, text=plain(f"{practice.id} {practice.title}",
                                                 OPTION_TEXT_LIMIT))


def _tag_options(knowledge: KnowledgeBase) -> list[OptionGroup]:
    groups = []
    for principle in knowledge.principles:
        options = [Option(value=str(principle.number),
                          text=plain(f"Principle {principle.number} (any practice)",
                                      OPTION_TEXT_LIMIT))]
        options += [_practice_option(p) for p in principle.practices]
        groups.append(OptionGroup(label=plain(f"Principle {principle.number}", 75),
                                  options=options))
    return groups


def _initial_options(tags: Sequence[Tag], knowledge: KnowledgeBase) -> list[Option] | None:
    chosen = []
    for tag in tags:
        practice = knowledge.practice(tag.tag) if tag.is_practice else None
        if practice:
            chosen.append(_practice_option(practice))
        elif not tag.is_practice and knowledge.principle(tag.principle):
            chosen.append(Option(value=tag.tag, text=plain(
                f"Principle {tag.tag} (any practice)", OPTION_TEXT_LIMIT)))
    return chosen or None


def _tags_input(tags: Sequence[Tag], knowledge: KnowledgeBase, optional: bool) -> InputBlock:
    return InputBlock(
        block_id=FIELD_TAGS, optional=optional,
        label=plain("Principle or practice", 2000),
        hint=plain(f"Up to {MAX_TAGS}. Leave empty to let me propose one.", 2000)
        if optional else None,
        element=StaticMultiSelectElement(
            action_id=FIELD_TAGS, option_groups=_tag_options(knowledge),
            initial_options=_initial_options(tags, knowledge), max_selected_items=MAX_TAGS,
            placeholder=plain("Choose up to three", 150),
        ),
    )


def log_modal(knowledge: KnowledgeBase, *, metadata: dict[str, str], text: str = "",
              proposed: Sequence[Tag] = (), permalink: str | None = None) -> View:
    """'Log a retro action': text, owner, due date, tags pre-filled with the proposal."""
    blocks: list[Block] = [
        InputBlock(block_id=FIELD_TEXT, label=plain("What will the team do?", 2000),
                   element=PlainTextInputElement(
                       action_id=FIELD_TEXT, multiline=True, max_length=MAX_TEXT,
                       initial_value=truncate(text, MAX_TEXT) or None)),
        InputBlock(block_id=FIELD_OWNER, optional=True, label=plain("Owner", 2000),
                   element=UserSelectElement(action_id=FIELD_OWNER,
                                             placeholder=plain("Who takes it on?", 150))),
        InputBlock(block_id=FIELD_DUE, optional=True, label=plain("Due date", 2000),
                   element=DatePickerElement(action_id=FIELD_DUE)),
        _tags_input(proposed, knowledge, optional=True),
    ]
    if permalink:
        blocks.append(ContextBlock(elements=[mrkdwn(f"From <{permalink}|this message>",
                                                     CONTEXT_LIMIT)]))
    return View(type="modal", callback_id=LOG_MODAL_CALLBACK,
                title=plain("Log a retro action", 24), submit=plain("Log", 24),
                close=plain("Cancel", 24), private_metadata=json.dumps(metadata),
                blocks=blocks)


def tags_modal(action: RetroAction, knowledge: KnowledgeBase) -> View:
    return View(
        type="modal", callback_id=TAGS_MODAL_CALLBACK, title=plain("Change tags", 24),
        submit=plain("Save", 24), close=plain("Cancel", 24),
        private_metadata=json.dumps({"channel": action.channel_id, "number": action.number}),
        blocks=[
            SectionBlock(text=mrkdwn(action_summary(action))),
            _tags_input(action.tags, knowledge, optional=False),
        ],
    )


def help_blocks() -> list[Block]:
    lines = [
        "*`/retro`* \u2014 retrospective actions, tagged by principle",
        "\u2022 `/retro add what we will do #4 @person` \u2014 log an action; tags are a "
        "principle (`#4`), a practice (`#4.2`) or a word (`#security`); with no tag I propose "
        "one",
        "\u2022 `/retro` \u2014 a form to log an action with owner and due date",
        "\u2022 `/retro list [open|done|all] [#4] [@person]` \u2014 this channel's actions",
        "\u2022 `/retro done 42`, `/retro reopen 42`, `/retro delete 42`",
        "\u2022 `/retro mydata` \u2014 what I hold about you; `/retro forget-me` deletes it",
        "\u2022 Message menu \u2192 *Log as retro action* turns any message into an action.",
        "Your Home tab shows your open actions and which principles the team neglects.",
    ]
    return [SectionBlock(text=mrkdwn("\n".join(lines)))]


def mydata_blocks(page: Page, knowledge: KnowledgeBase) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=plain("What principlebot holds about you", 150)),
        SectionBlock(text=mrkdwn(
            f"{page.total} retro action(s) you wrote or own, in this workspace. Each holds "
            "its text, tags, channel, author, owner, due date and dates. Nothing else about "
            "you is stored.")),
    ]
    for action in page.actions:
        blocks.append(SectionBlock(text=mrkdwn(
            f"{action_summary(action)} in <#{action.channel_id}>")))
        blocks.append(ContextBlock(elements=[mrkdwn(action_details(action, knowledge),
                                                     CONTEXT_LIMIT)]))
    if page.has_more:
        blocks.append(ContextBlock(elements=[mrkdwn(
            f"\u2026and {page.total - len(page.actions)} more. "
            "`principlebot export` gives an administrator the full list.", CONTEXT_LIMIT)]))
    return blocks[:50]


def forget_confirmation_blocks(authored: int) -> list[Block]:
    return [
        SectionBlock(text=mrkdwn(
            f"This deletes the {authored} retro action(s) you wrote and removes you as owner "
            "of any others. It cannot be undone.")),
        ActionsBlock(block_id="retro_forget", elements=[
            ButtonElement(
                text=plain("Delete my data", 75), action_id="retro_forget_confirm",
                value="forget", style="danger",
                confirm=ConfirmObject(title="Delete your data?",
                                      text="Your retro actions will be deleted for good.",
                                      confirm="Delete", deny="Keep"),
            ),
        ]),
    ]


def coverage_chart(coverage: Coverage, knowledge: KnowledgeBase) -> str:
    """A compact text bar chart of actions per principle, in a code block."""
    peak = max(coverage.counts.values(), default=0) or 1
    rows = []
    for principle in knowledge.principles:
        count = coverage.counts.get(principle.number, 0)
        bar = "\u2588" * round(BAR_WIDTH * count / peak) if count else "\u00b7"
        label = truncate(principle.title, 26).ljust(26)
        rows.append(f"{principle.number:>2} {label} {bar} {count}")
    return "```" + "\n".join(rows) + "```"


def practice_question(practice: Practice) -> str:
    """One practice turned into a question for the team."""
    title, description = escape(practice.title), escape(practice.description)
    return (f"*{practice.id} {title}*: \u201c{description}\u201d\n"
            "When did we last do this, and what would it take this week?")


def home_view(actions: Page, coverage: Coverage, knowledge: KnowledgeBase,
              prompt: Practice | None) -> View:
    blocks: list[Block] = [HeaderBlock(text=plain("Your open retro actions", 150))]
    if actions.actions:
        for action in actions.actions[:HOME_ACTIONS]:
            blocks += action_blocks(action, knowledge)
        if actions.total > HOME_ACTIONS:
            blocks.append(ContextBlock(elements=[mrkdwn(
                f"\u2026and {actions.total - HOME_ACTIONS} more: `/retro list` in their "
                "channels.", CONTEXT_LIMIT)]))
    else:
        blocks.append(SectionBlock(text=mrkdwn(
            "Nothing open that you wrote or own. Log one with `/retro add \u2026`.")))
    blocks += [
        DividerBlock(),
        HeaderBlock(text=plain("Your team's actions by principle, last 4 weeks", 150)),
        SectionBlock(text=mrkdwn(coverage_chart(coverage, knowledge))),
    ]
    least = coverage.least_covered
    principle = knowledge.principle(least) if least is not None else None
    if principle and prompt:
        blocks.append(SectionBlock(text=mrkdwn(
            f"*Least covered: principle {principle.number}, {principle.title}*\n"
            + practice_question(prompt))))
    blocks.append(ContextBlock(elements=[mrkdwn(
        f"{coverage.total} action(s) logged by your team in the last 4 weeks. "
        "`/retro help` for commands.", CONTEXT_LIMIT)]))
    return View(type="home", blocks=blocks[:100])


PROMPT_ACTIONS = 15


def weekly_prompt_blocks(week: Coverage, open_actions: Page, month: Coverage,
                         knowledge: KnowledgeBase, prompt: Practice | None,
                         channel_id: str) -> list[Block]:
    """The weekly retro prompt: the week's actions by principle, open actions carried over,
    the least-covered principle with one of its practices as a question, and a way to log."""
    logged = {n: c for n, c in week.counts.items() if c}
    week_lines = ", ".join(f"principle {n}: {c}" for n, c in sorted(logged.items()))
    blocks: list[Block] = [
        HeaderBlock(text=plain("Weekly retro", 150)),
        SectionBlock(text=mrkdwn(
            f"*This week* {week.total} action(s) logged"
            + (f" \u2014 {week_lines}." if week_lines else ". A good week to start."))),
    ]
    if open_actions.actions:
        blocks.append(SectionBlock(text=mrkdwn(
            f"*Still open* ({open_actions.total}) \u2014 tick off what is done:")))
        for action in open_actions.actions[:PROMPT_ACTIONS]:
            blocks += action_blocks(action, knowledge)
        if open_actions.total > PROMPT_ACTIONS:
            blocks.append(ContextBlock(elements=[mrkdwn(
                f"\u2026and {open_actions.total - PROMPT_ACTIONS} more: `/retro list`.",
                CONTEXT_LIMIT)]))
    least = knowledge.principle(month.least_covered or 0)
    if least and prompt:
        blocks.append(SectionBlock(text=mrkdwn(
            f"*Least covered in the last 4 weeks: principle {least.number}, {least.title}*\n"
            + practice_question(prompt))))
    blocks.append(ActionsBlock(block_id="retro_prompt_actions", elements=[
        ButtonElement(text=plain("Log an action", 75), action_id="retro_log_open",
                      value=channel_id, style="primary"),
    ]))
    return blocks[:50]


def schedule_text(description: str, next_local: str, paused_reason: str | None) -> str:
    if paused_reason:
        return (f"Weekly retro prompt: {description}. *Paused* ({paused_reason}). "
                "Invite me to the channel if needed, then `/retro schedule resume`.")
    return f"Weekly retro prompt: {description}. Next: {next_local}."
