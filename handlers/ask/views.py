"""Block Kit of the ask feature: answers, the not-sure choices, the principles overview, a whole
principle, the shortcut's modal and the help. Owns the feature's action and callback ids."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from handlers.kit import limits
from handlers.kit.blocks import button, context, header, message_blocks, modal, plain, section
from handlers.kit.markup import plain_text
from handlers.kit.text import escape, mention, quote_user_text, truncate
from knowledge.answer import EMPTY, PRINCIPLE
from knowledge.index import MAX_QUESTION, Answer, Match
from knowledge.language import LANGUAGE_NAMES
from knowledge.models import KnowledgeBase, Principle

EXCERPT_LIMIT = 400
QUESTION_LIMIT = MAX_QUESTION  # what the matcher reads of a question

PICK_PREFIX = "ask_pick_"  # + the choice's position: ask_pick_1 ... ask_pick_3
SHARE = "ask_share"
FULL_PRINCIPLE = "ask_full_principle"
EXPAND_PREFIX = "ask_expand_"  # + the principle's number
OVERVIEW = "ask_overview"
MODAL_CALLBACK = "which_principle_modal"
MODAL_INPUT = "question"
MODAL_INPUT_ACTION = "question_text"
SHORTCUT = "which_principle"


def pick_value(query: str, practice_id: str) -> str:
    """A button's value: the question (so the answer can be rebuilt) and the chosen practice.
    The question is shortened until the JSON fits, so the value always parses."""
    value = json.dumps({"q": query, "p": practice_id}, ensure_ascii=False)
    while len(value) > limits.BUTTON_VALUE:
        query = query[: len(query) - (len(value) - limits.BUTTON_VALUE) - 1]
        value = json.dumps({"q": query, "p": practice_id}, ensure_ascii=False)
    return value


def read_pick_value(value: str) -> tuple[str, str]:
    data = json.loads(value)
    return str(data["q"]), str(data["p"])


def _practice_line(match: Match) -> str:
    return f"*{match.practice.id} {escape(match.practice.title)}*"


def _why(match: Match) -> str:
    terms = ", ".join(f"_{escape(term)}_" for term in match.why) or "_related words_"
    return f"Why: matched {terms} (score {match.score:.2f})"


def _pick_button(position: int, query: str, match: Match) -> ButtonElement:
    return button(f"{match.practice.id} {match.practice.title}", f"{PICK_PREFIX}{position}",
                  pick_value(query, match.practice.id))


def answer_blocks(
    answer: Answer, *, asked_by: str | None = None, shareable: bool = True
) -> list[Block]:
    """The reply to a question, by what the matcher made of it: a decline saying what the bot
    is for, a note ("there is no principle 11"), a principle's overview, the choices when the
    best match is probably not right, or the practice with its principle, why and source text.

    `asked_by` (a Slack user id) adds who asked, for answers shown to the whole channel."""
    intro = _intro(answer, asked_by)
    if answer.note:
        return _note_blocks(answer, intro)
    if answer.declined or not answer.matches:
        return [intro, section(decline_line(answer))]
    if answer.reason == PRINCIPLE and answer.principle_reference is not None:
        return _principle_answer_blocks(answer, intro, shareable)
    if not answer.confident:
        return _not_sure_blocks(answer, intro)
    best, *others = answer.matches
    blocks: list[Block] = [
        intro,
        section(f"{_practice_line(best)}\nPrinciple {best.principle.number}: "
                f"{escape(best.principle.title)}"),
        section(f">{escape(truncate(best.practice.description, EXCERPT_LIMIT))}"),
        context(_why(best)),
    ]
    buttons = [_pick_button(i, answer.query, m) for i, m in enumerate(others[:2], 1)]
    buttons.append(button("Full principle", FULL_PRINCIPLE, str(best.principle.number)))
    if shareable:
        buttons.append(button("Share in channel", SHARE,
                              pick_value(answer.query, best.practice.id), style="primary"))
    blocks.append(ActionsBlock(block_id="ask_actions", elements=buttons))
    return blocks


def _intro(answer: Answer, asked_by: str | None) -> Block:
    """Who asked what (as they wrote it, markup made plain and escaped), and the language the
    question was understood as when it is not English (the source text stays English)."""
    echo = quote_user_text(plain_text(answer.query))
    intro = f"{mention(asked_by)} asked: {echo}" if asked_by else f"You asked: {echo}"
    if answer.language != "en":
        language = LANGUAGE_NAMES.get(answer.language, answer.language)
        intro += f"\nUnderstood as {language}; the OECD text is quoted in English."
    return context(intro)


def decline_line(answer: Answer) -> str:
    """What the bot is for and how to ask, for text it will not match to a practice."""
    if answer.reason == EMPTY:
        opening = "I couldn't find a question in that, only links, mentions or code."
    else:
        opening = ("That doesn't look like a question about designing or delivering a public "
                   "service, so I won't guess a practice.")
    return (f"{opening} I name the OECD good practice that fits a situation your team is in: "
            "describe it in your own words, e.g. _why do people have to type their address on "
            "every form?_, or use `/principles` to browse the ten principles.")


def _note_blocks(answer: Answer, intro: Block) -> list[Block]:
    """A reference to nothing that exists: the note, and where to look instead."""
    number = answer.principle_reference
    if number is not None:
        target = button(f"Principle {number}", f"{EXPAND_PREFIX}{number}", str(number))
    else:
        target = button("All principles", OVERVIEW)
    return [intro, section(escape(answer.note or "")),
            ActionsBlock(block_id="ask_actions", elements=[target])]


def _principle_answer_blocks(answer: Answer, intro: Block, shareable: bool) -> list[Block]:
    """"p4", "principle four": the principle's overview, every practice verbatim."""
    principle = answer.matches[0].principle
    blocks: list[Block] = [intro, *principle_blocks(principle)]
    if shareable:
        blocks.append(ActionsBlock(block_id="ask_actions", elements=[
            button("Share in channel", SHARE, pick_value(answer.query, ""), style="primary")]))
    return message_blocks(blocks)


def _not_sure_blocks(answer: Answer, intro: Block) -> list[Block]:
    lines = "\n".join(f"\u2022 {_practice_line(m)} (principle {m.principle.number})"
                      for m in answer.matches[:3])
    return [
        intro,
        section("I'm not sure which practice applies. The closest ones:\n" + lines),
        ActionsBlock(block_id="ask_actions", elements=[
            _pick_button(i, answer.query, m) for i, m in enumerate(answer.matches[:3], 1)
        ]),
        context("Pick the one that fits, or describe the situation in more words."),
    ]


def answer_text(answer: Answer) -> str:
    """Plain-text fallback (notifications, screen readers) for an answer message."""
    if answer.note:
        return escape(answer.note)
    if answer.declined or not answer.matches:
        return "That doesn't look like a question about the principles."
    best = answer.matches[0]
    if answer.reason == PRINCIPLE:
        return principle_title_line(best.principle)
    prefix = "" if answer.confident else "Not sure; closest: "
    return truncate(f"{prefix}{best.practice.id} {escape(best.practice.title)}",
                    limits.SECTION_TEXT)


def overview_blocks(knowledge: KnowledgeBase) -> list[Block]:
    """The principles at a glance, each with a button to expand it."""
    blocks: list[Block] = [header("The OECD Good Practice Principles")]
    blocks += [
        section(f"*{principle.number}.* {escape(principle.title)}",
                accessory=button("Expand", f"{EXPAND_PREFIX}{principle.number}",
                                 str(principle.number)))
        for principle in knowledge.principles
    ]
    blocks.append(context("Ask about a situation with `/principles your question`. "
                          f"Source: {escape(_source_line(knowledge))}"))
    return message_blocks(blocks)


def _source_line(knowledge: KnowledgeBase) -> str:
    source = knowledge.source
    return f"{source.publisher}, {source.version}" if source else "your organisation's framework"


def principle_blocks(principle: Principle, *, with_back: bool = False) -> list[Block]:
    """One principle with its introduction and every practice, verbatim."""
    blocks: list[Block] = [
        header(f"Principle {principle.number}"),
        section(f"*{escape(principle.title)}*"),
        context(escape(truncate(principle.introduction, limits.CONTEXT_TEXT - 200))),
        DividerBlock(),
    ]
    blocks += [section(f"*{p.id} {escape(p.title)}*\n{escape(p.description)}")
               for p in principle.practices]
    if with_back:
        blocks.append(ActionsBlock(block_id="ask_nav",
                                   elements=[button("All principles", OVERVIEW)]))
    return message_blocks(blocks)


def principle_title_line(principle: Principle) -> str:
    return truncate(f"Principle {principle.number}: {escape(principle.title)}",
                    limits.SECTION_TEXT)


def principle_modal(principle: Principle) -> View:
    return modal(f"Principle {principle.number}", principle_blocks(principle), close="Close")


def ask_modal() -> View:
    """The global shortcut's modal: one question; the answer arrives by DM."""
    return modal("Which principle?", [
        InputBlock(
            block_id=MODAL_INPUT,
            label=plain("Describe the question or situation", limits.INPUT_LABEL),
            element=PlainTextInputElement(
                action_id=MODAL_INPUT_ACTION, multiline=True, max_length=QUESTION_LIMIT,
                placeholder=plain("e.g. why do people have to type their address on every "
                                  "form?", limits.PLACEHOLDER),
            ),
        ),
        context("I'll send the answer to you in a direct message."),
    ], callback_id=MODAL_CALLBACK, submit="Ask")


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
    return [section(text)]
