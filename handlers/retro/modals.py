"""Block Kit of the retro modals: logging an action, and changing an action's tags. Owns their
callback and field ids. What a form is about (its channel, its action) is stored when it opens
(handlers.kit.forms), never carried in the view."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    InputBlock,
    Option,
    OptionGroup,
    PlainTextInputElement,
    StaticMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.retro.values import MAX_TAGS, MAX_TEXT, RetroAction, Tag
from handlers.kit import limits
from handlers.kit.blocks import context, modal, option, plain, section
from handlers.kit.text import truncate
from handlers.retro.views import action_summary
from knowledge.models import KnowledgeBase, Practice

LOG_CALLBACK = "retro_log_modal"
TAGS_CALLBACK = "retro_tags_modal"
EDIT_CALLBACK = "retro_edit_modal"
FIELD_TEXT = "text"
FIELD_OWNER = "owner"
FIELD_DUE = "due"
FIELD_TAGS = "tags"
LOG_FORM_FAILED = "I couldn't open the form. Use `/retro add what we will do #4`."


def _practice_option(practice: Practice) -> Option:
    return option(practice.id, f"{practice.id} {practice.title}")


def _principle_option(number: int | str) -> Option:
    return option(str(number), f"Principle {number} (any practice)")


def _tag_options(knowledge: KnowledgeBase) -> list[OptionGroup]:
    return [
        OptionGroup(label=plain(f"Principle {principle.number}", limits.OPTION_GROUP_LABEL),
                    options=[_principle_option(principle.number),
                             *(_practice_option(p) for p in principle.practices)])
        for principle in knowledge.principles
    ]


def _initial_options(tags: Sequence[Tag], knowledge: KnowledgeBase) -> list[Option] | None:
    chosen = []
    for tag in tags:
        practice = knowledge.practice(tag.tag) if tag.is_practice else None
        if practice:
            chosen.append(_practice_option(practice))
        elif not tag.is_practice and knowledge.principle(tag.principle):
            chosen.append(_principle_option(tag.tag))
    return chosen or None


def _tags_input(tags: Sequence[Tag], knowledge: KnowledgeBase, optional: bool,
               hint: str | None = None) -> InputBlock:
    hint = hint or f"Up to {MAX_TAGS}. Leave empty to let me propose one."
    return InputBlock(
        block_id=FIELD_TAGS, optional=optional,
        label=plain("Principle or practice", limits.INPUT_LABEL),
        hint=plain(hint, limits.INPUT_HINT) if optional else None,
        element=StaticMultiSelectElement(
            action_id=FIELD_TAGS, option_groups=_tag_options(knowledge),
            initial_options=_initial_options(tags, knowledge), max_selected_items=MAX_TAGS,
            placeholder=plain("Choose up to three", limits.PLACEHOLDER),
        ),
    )


def _action_inputs(knowledge: KnowledgeBase, *, text: str = "", owner: str | None = None,
                   due: str | None = None, tags: Sequence[Tag] = (),
                   tags_hint: str | None = None) -> list[Block]:
    """Text, owner, due date and tags: the fields of an action, filled in."""
    return [
        InputBlock(block_id=FIELD_TEXT, label=plain("What will the team do?", limits.INPUT_LABEL),
                   element=PlainTextInputElement(
                       action_id=FIELD_TEXT, multiline=True, max_length=MAX_TEXT,
                       initial_value=truncate(text, MAX_TEXT) or None)),
        InputBlock(block_id=FIELD_OWNER, optional=True, label=plain("Owner", limits.INPUT_LABEL),
                   element=UserSelectElement(
                       action_id=FIELD_OWNER, initial_user=owner,
                       placeholder=plain("Who takes it on?", limits.PLACEHOLDER))),
        InputBlock(block_id=FIELD_DUE, optional=True, label=plain("Due date", limits.INPUT_LABEL),
                   element=DatePickerElement(action_id=FIELD_DUE, initial_date=due)),
        _tags_input(tags, knowledge, optional=True, hint=tags_hint),
    ]


def log_modal(knowledge: KnowledgeBase, *, text: str = "", proposed: Sequence[Tag] = (),
              permalink: str | None = None) -> View:
    """'Log a retro action': text, owner, due date, tags pre-filled with the proposal."""
    blocks = _action_inputs(knowledge, text=text, tags=proposed)
    if permalink:
        blocks.append(context(f"From <{permalink}|this message>"))
    return modal("Log a retro action", blocks, callback_id=LOG_CALLBACK, submit="Log")


def edit_modal(action: RetroAction, knowledge: KnowledgeBase) -> View:
    """'Edit action': its text, owner, due date and tags, as they are now."""
    blocks = _action_inputs(
        knowledge, text=action.text, owner=action.owner_id,
        due=action.due_date.isoformat() if action.due_date else None, tags=action.tags,
        tags_hint="Up to 3. Leave empty to keep the tags it has.")
    return modal(f"Edit #{action.number}", blocks, callback_id=EDIT_CALLBACK, submit="Save")


def tags_modal(action: RetroAction, knowledge: KnowledgeBase) -> View:
    return modal("Change tags", [
        section(action_summary(action)),
        _tags_input(action.tags, knowledge, optional=False),
    ], callback_id=TAGS_CALLBACK, submit="Save")
