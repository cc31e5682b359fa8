"""Curated search vocabulary in other languages (`knowledge/vocabulary/<language>.yaml`), and
the phrases of chatter no practice covers (`knowledge/chatter.yaml`).

The source text stays English; these files hold, per practice, the words a team writing in that
language uses for the practice's situation (its title rendered in the language's own
administrative vocabulary, synonyms, everyday situations). They are searched with the language's
own analyser and embedded for the semantic signal like the English vocabulary. Each file is
validated strictly: a known language, existing practice ids, no empty phrases.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from knowledge.language import LANGUAGE_NAMES
from knowledge.models import PRACTICE_ID, KnowledgeBase, KnowledgeError, Text, _read_yaml

VOCABULARY_DIR = Path(__file__).with_name("vocabulary")
CHATTER = Path(__file__).with_name("chatter.yaml")


class VocabularyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    language: Annotated[str, Field(pattern="^(" + "|".join(sorted(LANGUAGE_NAMES)) + ")$")]
    practices: dict[Annotated[str, Field(pattern=PRACTICE_ID.pattern)], list[Text]]


class ChatterFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    phrases: list[Text]


FileModel = TypeVar("FileModel", VocabularyFile, ChatterFile)


@dataclass(frozen=True)
class Vocabulary:
    """One language's phrases by practice id."""

    language: str
    phrases: dict[str, tuple[str, ...]]


def load_vocabularies(knowledge: KnowledgeBase, directory: Path = VOCABULARY_DIR, *,
                      strict: bool = True) -> tuple[Vocabulary, ...]:
    """Every `<language>.yaml` of `directory`, checked against the knowledge base: a phrase
    list for a practice that does not exist is an error naming file and practice (or, not
    `strict`, left out: an organisation's own principles may replace the built-in ones)."""
    found = []
    known = {pr.id for pr in knowledge.practices}
    for path in sorted(directory.glob("*.yaml")):
        parsed = _validated(VocabularyFile, path)
        if parsed.language != path.stem:
            raise KnowledgeError(f"{path}: language '{parsed.language}' differs from the "
                                 f"file name '{path.stem}'")
        for practice_id in parsed.practices:
            if practice_id not in known and strict:
                raise KnowledgeError(f"{path}: practice {practice_id} does not exist")
        found.append(Vocabulary(parsed.language, {
            pid: tuple(dict.fromkeys(p.strip() for p in phrases))
            for pid, phrases in parsed.practices.items() if pid in known
        }))
    return tuple(found)


def load_chatter(path: Path = CHATTER) -> tuple[str, ...]:
    """The phrases of what no practice covers (office talk, IT trouble), for telling chatter."""
    return tuple(dict.fromkeys(_validated(ChatterFile, path).phrases))


def _validated(schema: type[FileModel], path: Path) -> FileModel:
    """The YAML file at `path` read as `schema`; its first problem is one line naming it."""
    try:
        return schema.model_validate(_read_yaml(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "top level"
        raise KnowledgeError(f"{path}: {where}: {first['msg']}") from None
