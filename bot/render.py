"""Block Kit for the ask feature, built with slack_sdk.models so Slack's limits are checked here.

One builder per message kind. Everything a user typed goes through `escape` before it enters
mrkdwn, and every piece of text is cut to the limit of the field it lands in.
"""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from knowledge.index import Answer, Match
from knowledge.models import KnowledgeBase, Principle

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
CONTEXT_LIMIT = 2000  # a context element's text
MODAL_TITLE_LIMIT = 24
EXCERPT_LIMIT = 400
ECHO_LIMIT = 500
ELLIPSIS = "\u2026"

ASK_MODAL_CALLBACK = "which_principle_modal"
ASK_MODAL_INPUT_BLOCK = "question"
ASK_MODAL_INPUT_ACTION = "question_text"


def escape(text: str) -> str:
    """Make user text inert in mrkdwn: no mentions (<!channel>, <@U1>) and no disguised links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut text to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def quote_user_text(text: str, limit: int = ECHO_LIMIT) -> str:
    """User text for mrkdwn: cut first (so an entity is never split), then escaped, single line."""
    return escape(truncate(" ".join(text.split()), limit))


def mrkdwn(text: str, limit: int = SECTION_LIMIT) -> MarkdownTextObject:
    return MarkdownTextObject(text=truncate(text, limit))


def plain(text: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=truncate(text, limit), emoji=False)


def _button(text: str, action_id: str, value: str = "", style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=truncate(text, BUTTON_LIMIT), emoji=False),
        action_id=action_id,
        value=value[:BUTTON_VALUE_LIMIT] or None,
        style=style,
    )


def pick_value(query: str, practice_id: str) -> str:
    """A button's value: the question (so the answer can be rebuilt) and the chosen practice.
    The question is shortened until the JSON fits, so the value always parses."""
    value = json.dumps({"q": query, "p": practice_id}, ensure_ascii=False)
    while len(value) > BUTTON_VALUE_LIMIT:
        query = query[: len(query) - (len(value) - BUTTON_VALUE_LIMIT) - 1]
        value = json.dumps({"q": query, "p": practice_id}, ensure_ascii=False)
    return value


def read_pick_value(value: str) -> tuple[str, str]:
    data = json.loads(value)
    return str(data["q"]), str(data["p"])


def _practice_line(match: Match) -> str:
    return f"*{match.practice.id} {escape(match.practice.title)}*"


def _why(match: Match) -> str:
    terms = ", ".join(f"_{escape(term)}_" for term in match.why) or "_related words_"
    return truncate(f"Why: matched {terms} (score {match.score:.2f})", CONTEXT_LIMIT)


def answer_blocks(
    answer: Answer, *, asked_by: str | None = None, shareable: bool = True
) -> list[Block]:
    """The answer to a question: best practice with principle, why, excerpt; then the choices.

    `asked_by` (a Slack user id) adds who asked, for answers shown to the whole channel."""
    echo = quote_user_text(answer.query)
    intro = f"<@{asked_by}> asked: {echo}" if asked_by else f"You asked: {echo}"
    if not answer.matches:
        return [
            SectionBlock(text=mrkdwn(intro)),
            SectionBlock(text=mrkdwn(
                "I couldn't match that to any practice. Try describing the situation in other "
                "words, or browse all ten principles with `/principles`."
            )),
        ]
    if not answer.confident:
        return _not_sure_blocks(answer, intro)
    best, *others = answer.matches
    blocks: list[Block] = [
        ContextBlock(elements=[mrkdwn(intro, CONTEXT_LIMIT)]),
        SectionBlock(text=mrkdwn(
            f"{_practice_line(best)}\nPrinciple {best.principle.number}: "
            f"{escape(best.principle.title)}"
        )),
        SectionBlock(text=mrkdwn(
            f">{escape(truncate(best.practice.description, EXCERPT_LIMIT))}")),
        ContextBlock(elements=[mrkdwn(_why(best), CONTEXT_LIMIT)]),
    ]
    buttons = [
        _button(f"{m.practice.id} {m.practice.title}", f"ask_pick_{i}",
                pick_value(answer.query, m.practice.id))
        for i, m in enumerate(others[:2], 1)
    ]
    buttons.append(_button("Full principle", "ask_full_principle", str(best.principle.number)))
    if shareable:
        buttons.append(_button("Share in channel", "ask_share",
                               pick_value(answer.query, best.practice.id), style="primary"))
    blocks.append(ActionsBlock(block_id="ask_actions", elements=buttons))
    return blocks


def _not_sure_blocks(answer: Answer, intro: str) -> list[Block]:
    lines = "\n".join(f"\u2022 {_practice_line(m)} (principle {m.principle.number})"
                      for m in answer.matches[:3])
    return [
        ContextBlock(elements=[mrkdwn(intro, CONTEXT_LIMIT)]),
        SectionBlock(text=mrkdwn(
            "I'm not sure which practice applies. The closest ones:\n" + lines
        )),
        ActionsBlock(block_id="ask_actions", elements=[
            _button(f"{m.practice.id} {m.practice.title}", f"ask_pick_{i}",
                    pick_value(answer.query, m.practice.id))
            for i, m in enumerate(answer.matches[:3], 1)
        ]),
        ContextBlock(elements=[mrkdwn(
            "Try describing the situation in more words, or browse with `/principles`.",
            CONTEXT_LIMIT,
        )]),
    ]


def answer_text(answer: Answer) -> str:
    """Plain-text fallback (notifications, screen readers) for an answer message."""
    if not answer.matches:
        return "No practice matched that question."
    best = answer.matches[0]
    prefix = "" if answer.confident else "Not sure; closest: "
    return truncate(f"{prefix}{best.practice.id} {escape(best.practice.title)}", SECTION_LIMIT)


def overview_blocks(knowledge: KnowledgeBase) -> list[Block]:
    """The principles at a glance, each with a button to expand it."""
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text="The OECD Good Practice Principles")),
    ]
    for principle in knowledge.principles:
        blocks.append(SectionBlock(
            text=mrkdwn(f"*{principle.number}.* {escape(principle.title)}"),
            accessory=_button("Expand", f"ask_expand_{principle.number}", str(principle.number)),
        ))
    blocks.append(ContextBlock(elements=[mrkdwn(
        "Ask about a situation with `/principles your question`. "
        f"Source: {_source_line(knowledge)}", CONTEXT_LIMIT,
    )]))
    return blocks[:50]


def _source_line(knowledge: KnowledgeBase) -> str:
    source = knowledge.source
    return f"{source.publisher}, {source.version}" if source else "your organisation's framework"


def principle_blocks(principle: Principle, *, with_back: bool = False) -> list[Block]:
    """One principle with its introduction and every practice, verbatim."""
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(
            text=truncate(f"Principle {principle.number}", HEADER_LIMIT)
        )),
        SectionBlock(text=mrkdwn(f"*{escape(principle.title)}*")),
        ContextBlock(elements=[mrkdwn(escape(truncate(principle.introduction,
                                                       CONTEXT_LIMIT - 200)), CONTEXT_LIMIT)]),
        DividerBlock(),
    ]
    blocks += [
        SectionBlock(text=mrkdwn(f"*{p.id} {escape(p.title)}*\n{escape(p.description)}"))
        for p in principle.practices
    ]
    if with_back:
        blocks.append(ActionsBlock(block_id="ask_nav", elements=[
            _button("All principles", "ask_overview"),
        ]))
    return blocks[:50]


def principle_title_line(principle: Principle) -> str:
    return truncate(f"Principle {principle.number}: {escape(principle.title)}", SECTION_LIMIT)


def principle_modal(principle: Principle) -> View:
    return View(
        type="modal",
        title=PlainTextObject(text=truncate(f"Principle {principle.number}", MODAL_TITLE_LIMIT)),
        close=PlainTextObject(text="Close"),
        blocks=principle_blocks(principle),
    )


def ask_modal() -> View:
    """The global shortcut's modal: one question; the answer arrives by DM."""
    return View(
        type="modal",
        callback_id=ASK_MODAL_CALLBACK,
        title=PlainTextObject(text="Which principle?"),
        submit=PlainTextObject(text="Ask"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id=ASK_MODAL_INPUT_BLOCK,
                label=PlainTextObject(text="Describe the question or situation"),
                element=PlainTextInputElement(
                    action_id=ASK_MODAL_INPUT_ACTION, multiline=True, max_length=2000,
                    placeholder=PlainTextObject(
                        text="e.g. why do people have to type their address on every form?"
                    ),
                ),
            ),
            ContextBlock(elements=[mrkdwn("I'll send the answer to you in a direct message.")]),
        ],
    )


def help_blocks() -> list[Block]:
    text = "\n".join([
        "*`/principles`* \u2014 which OECD principle applies",
        "\u2022 `/principles your question or situation` \u2014 the practice that applies, why, "
        "and the source text (only you see it; *Share in channel* shows it to everyone)",
        "\u2022 `/principles` \u2014 the ten principles at a glance",
        "\u2022 `/principles principle 4`, `/principles 10.3` \u2014 straight to the text",
        "\u2022 Mention me or send me a direct message with a question: I answer in the thread.",
        "",
        "*`/standup`* \u2014 a short stand-up checklist tied to the principles "
        "(`/standup help` for more)",
        "*`/retro`* \u2014 log and track retrospective actions tagged by principle "
        "(`/retro help` for more)",
    ])
    return [SectionBlock(text=mrkdwn(text))]


def error_text(message: str) -> str:
    """A short, user-facing failure line (never a stack trace). Messages may quote what the
    user typed, so they are escaped here, once, for every caller."""
    return f":warning: {escape(truncate(message, SECTION_LIMIT - 500))}"
