"""Where the knowledge comes from: the built-in YAML files, optionally an organisation's own.

`PRINCIPLEBOT_KNOWLEDGE` names another principles file of the same schema. By default it
replaces the built-in principles; a file with `extend: true` is merged into them instead (new
principles and practices are added, vocabulary of existing practices is appended).
`PRINCIPLEBOT_CHECKLISTS` does the same for stand-up checklists: it replaces the built-in ones,
or with `extend: true` adds to them (a checklist of the same name is replaced).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from knowledge.models import (
    MAX_CHECKLIST_ITEMS,
    Checklist,
    ChecklistItem,
    KnowledgeBase,
    Principle,
    build_checklists,
    build_knowledge_base,
    parse_checklist_file,
    parse_knowledge_file,
)

BUILTIN_PRINCIPLES = Path(__file__).with_name("principles.yaml")
BUILTIN_CHECKLISTS = Path(__file__).with_name("checklists.yaml")
OVERRIDE_VARIABLE = "PRINCIPLEBOT_KNOWLEDGE"
CHECKLISTS_VARIABLE = "PRINCIPLEBOT_CHECKLISTS"


def load_knowledge(override: str | Path | None = None) -> KnowledgeBase:
    """Load the built-in principles, replaced or extended by the override file when given."""
    if not override:
        return build_knowledge_base(
            parse_knowledge_file(BUILTIN_PRINCIPLES), origin=BUILTIN_PRINCIPLES
        )
    path = Path(override)
    extra = parse_knowledge_file(path)
    if extra.extend:
        return build_knowledge_base(parse_knowledge_file(BUILTIN_PRINCIPLES), extra, origin=path)
    return build_knowledge_base(extra, origin=path)


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    """The knowledge base of this process (built-in plus `PRINCIPLEBOT_KNOWLEDGE`), loaded once."""
    return load_knowledge(os.environ.get(OVERRIDE_VARIABLE) or None)


def load_checklists(knowledge: KnowledgeBase,
                    override: str | Path | None = None) -> dict[str, Checklist]:
    """The built-in checklists, replaced or extended by the override file when given."""
    files = [(BUILTIN_CHECKLISTS, parse_checklist_file(BUILTIN_CHECKLISTS))]
    if override:
        files.append((Path(override), parse_checklist_file(Path(override))))
    return build_checklists(files, knowledge)


def default_checklists(knowledge: KnowledgeBase) -> dict[str, Checklist]:
    return load_checklists(knowledge, os.environ.get(CHECKLISTS_VARIABLE) or None)


def principle_checklist(principle: Principle) -> Checklist:
    """One question per practice of a principle: "Are we seeking out the needs of users?"."""
    items = tuple(
        ChecklistItem(f"p{practice.id.replace('.', '-')}", _as_question(practice.title),
                      practice.id)
        for practice in principle.practices[:MAX_CHECKLIST_ITEMS]
    )
    return Checklist(f"principle-{principle.number}", f"Principle {principle.number} check",
                     principle.title, items)


def _as_question(title: str) -> str:
    # Practice titles are gerund phrases ("Seeking out the needs of users").
    phrase = title[0].lower() + title[1:]
    return f"Are we {phrase.replace('yourself', 'ourselves')}?"
