"""Block Kit of the weekly retro prompt: the week's actions by principle, open actions carried
over (their Done buttons are retro's own), the least-covered principle as a question, and a
button to log an action."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.domain.retro.coverage import Coverage
from bot.domain.retro.values import Page, RetroAction
from handlers.kit import limits
from handlers.kit.blocks import button, context, header, message_blocks, section
from handlers.kit.text import escape, mention, truncate
from handlers.retro.views import (
    LOG_OPEN,
    action_blocks,
    action_summary,
    counted,
    practice_question,
)
from knowledge.models import KnowledgeBase, Practice

PROMPT_ACTIONS = 15
OVERDUE_SHOWN = 5


def overdue_line(overdue: list[RetroAction]) -> str:
    items = [f"{action_summary(a)} (due {a.due_date.isoformat() if a.due_date else '?'}"
             + (f", {mention(a.owner_id)})" if a.owner_id else ")") for a in overdue]
    return ":alarm_clock: *Overdue:* " + "; ".join(items)


def weekly_prompt_blocks(week: Coverage, open_actions: Page, month: Coverage,
                         knowledge: KnowledgeBase, prompt: Practice | None,
                         channel_id: str, overdue: list[RetroAction] | None = None
                         ) -> list[Block]:
    logged = {n: c for n, c in week.counts.items() if c}
    week_lines = ", ".join(f"principle {n}: {c}" for n, c in sorted(logged.items()))
    blocks: list[Block] = [
        header("Weekly retro"),
        section(f"*This week* {week.total} action(s) logged"
                + (f" \u2014 {week_lines}." if week_lines else ". A good week to start.")),
    ]
    if overdue:
        blocks.append(section(truncate(overdue_line(overdue), limits.SECTION_TEXT)))
    if open_actions.actions:
        blocks.append(section(f"*Still open* ({counted(open_actions)}) \u2014 tick off what is "
                              "done:"))
        for action in open_actions.actions[:PROMPT_ACTIONS]:
            blocks += action_blocks(action, knowledge)
        if open_actions.total > PROMPT_ACTIONS:
            blocks.append(context(f"\u2026and {counted(open_actions, PROMPT_ACTIONS)} more: "
                                  "`/retro list`."))
    least = knowledge.principle(month.least_covered or 0)
    if least and prompt:
        blocks.append(section(f"*Least covered in the last 4 weeks: principle {least.number}, "
                              f"{escape(least.title)}*\n" + practice_question(prompt)))
    blocks.append(ActionsBlock(block_id="retro_prompt_actions", elements=[
        button("Log an action", LOG_OPEN, channel_id, style="primary"),
    ]))
    return message_blocks(blocks)
