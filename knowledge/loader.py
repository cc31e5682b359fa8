"""Where the knowledge comes from: the built-in principles.yaml, optionally an organisation's file.

`PRINCIPLEBOT_KNOWLEDGE` names another YAML file of the same schema. By default it replaces the
built-in principles; a file with `extend: true` is merged into them instead (new principles and
practices are added, vocabulary of existing practices is appended).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from knowledge.models import KnowledgeBase, build_knowledge_base, parse_knowledge_file

BUILTIN_PRINCIPLES = Path(__file__).with_name("principles.yaml")
OVERRIDE_VARIABLE = "PRINCIPLEBOT_KNOWLEDGE"


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
