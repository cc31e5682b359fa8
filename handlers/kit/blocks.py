"""Block Kit builders with Slack's limits applied, so no view repeats a limit or a cut.

Built with slack_sdk.models, so Slack's rules are checked when a payload is made.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers.kit import limits
from handlers.kit.text import truncate


def mrkdwn(text: str, limit: int = limits.SECTION_TEXT) -> MarkdownTextObject:
    return MarkdownTextObject(text=truncate(text, limit))


def plain(text: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=truncate(text, limit), emoji=False)


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=plain(text, limits.HEADER_TEXT))


def section(text: str, accessory: ButtonElement | None = None,
            block_id: str | None = None) -> SectionBlock:
    return SectionBlock(text=mrkdwn(text), accessory=accessory, block_id=block_id)


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn(text, limits.CONTEXT_TEXT)])


def button(text: str, action_id: str, value: str = "", *, style: str | None = None,
           confirm: ConfirmObject | None = None) -> ButtonElement:
    return ButtonElement(text=plain(text, limits.BUTTON_TEXT), action_id=action_id,
                         value=value[: limits.BUTTON_VALUE] or None, style=style,
                         confirm=confirm)


def option(value: str, text: str, description: str | None = None) -> Option:
    return Option(value=value, text=plain(text, limits.OPTION_TEXT),
                  description=plain(description, limits.OPTION_DESCRIPTION)
                  if description else None)


def modal(title: str, blocks: Sequence[Block], *, callback_id: str | None = None,
          submit: str | None = None, close: str = "Cancel",
          private_metadata: str | None = None) -> View:
    return View(type="modal", callback_id=callback_id, title=plain(title, limits.MODAL_TITLE),
                submit=plain(submit, limits.MODAL_BUTTON) if submit else None,
                close=plain(close, limits.MODAL_BUTTON), private_metadata=private_metadata,
                blocks=list(blocks)[: limits.VIEW_BLOCKS])


def message_blocks(blocks: Sequence[Block]) -> list[Block]:
    """A message's blocks within Slack's count."""
    return list(blocks)[: limits.MESSAGE_BLOCKS]
