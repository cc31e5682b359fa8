"""Block Kit of the App Home: the person's open actions (with their own Done buttons, since the
Home tab has no response URL) and the team's coverage chart. Owns the Home's action ids."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DividerBlock
from slack_sdk.models.views import View

from bot.domain.retro.coverage import Coverage
from bot.domain.retro.values import Page
from handlers.kit import limits
from handlers.kit.blocks import context, header, section
from handlers.kit.text import escape, truncate
from handlers.retro.views import action_blocks, counted, done_button, practice_question
from knowledge.models import KnowledgeBase, Practice

DONE = "home_retro_done"
REOPEN = "home_retro_reopen"
HOME_ACTIONS = 15
BAR_WIDTH = 20
LABEL_WIDTH = 26


def coverage_chart(coverage: Coverage, knowledge: KnowledgeBase) -> str:
    """A compact text bar chart of actions per principle, in a code block."""
    peak = max(coverage.counts.values(), default=0) or 1
    rows = []
    for principle in knowledge.principles:
        count = coverage.counts.get(principle.number, 0)
        bar = "\u2588" * round(BAR_WIDTH * count / peak) if count else "\u00b7"
        label = escape(truncate(principle.title, LABEL_WIDTH)).ljust(LABEL_WIDTH)
        rows.append(f"{principle.number:>2} {label} {bar} {count}")
    return "```" + "\n".join(rows) + "```"


def home_view(actions: Page, coverage: Coverage, knowledge: KnowledgeBase,
              prompt: Practice | None) -> View:
    blocks: list[Block] = [header("Your open retro actions")]
    if actions.actions:
        for action in actions.actions[:HOME_ACTIONS]:
            blocks += action_blocks(action, knowledge, done_button(action, DONE, REOPEN))
        if actions.total > HOME_ACTIONS:
            blocks.append(context(f"\u2026and {counted(actions, HOME_ACTIONS)} more: "
                                  "`/retro list` in their channels."))
    else:
        blocks.append(section("Nothing open that you wrote or own. Log one with "
                              "`/retro add \u2026`."))
    blocks += [
        DividerBlock(),
        header("Your team's actions by principle, last 4 weeks"),
        section(coverage_chart(coverage, knowledge)),
    ]
    least = coverage.least_covered
    principle = knowledge.principle(least) if least is not None else None
    if principle and prompt:
        blocks.append(section(f"*Least covered: principle {principle.number}, "
                              f"{escape(principle.title)}*\n" + practice_question(prompt)))
    blocks.append(context(f"{coverage.total} action(s) logged by your team in the last 4 weeks. "
                          "`/retro help` for commands."))
    return View(type="home", blocks=blocks[: limits.VIEW_BLOCKS])
