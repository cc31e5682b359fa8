"""Schema of the knowledge files (principles.yaml, checklists.yaml and organisation overrides).

A broken file must fail at load with one message naming the file, the entry and the problem, so
the YAML is parsed into strict pydantic models (unknown fields rejected, no empty text, unique ids,
every practice under the principle its id names) and errors are rewritten into that one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

PRACTICE_ID = re.compile(r"^(\d+)\.(\d+)$")
ModelT = TypeVar("ModelT", bound=BaseModel)


class KnowledgeError(ValueError):
    """A knowledge file that cannot be used; the message names file, entry and problem."""


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be empty")
    return text


Text = Annotated[str, AfterValidator(_not_blank)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceEntry(_Strict):
    title: Text
    publisher: Text
    version: Text
    url: Text | None = None


class PracticeEntry(_Strict):
    id: Annotated[str, Field(pattern=PRACTICE_ID.pattern)]
    title: Text | None = None
    description: Text | None = None
    vocabulary: list[Text] = Field(default_factory=list)


class PrincipleEntry(_Strict):
    number: Annotated[int, Field(ge=1)]
    title: Text | None = None
    introduction: Text | None = None
    practices: list[PracticeEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _practices_belong_here(self) -> PrincipleEntry:
        for practice in self.practices:
            if int(PRACTICE_ID.match(practice.id)[1]) != self.number:  # type: ignore[index]
                raise ValueError(
                    f"practice {practice.id} is listed under principle {self.number}; "
                    f"its id must start with '{self.number}.'"
                )
        return self


class KnowledgeFile(_Strict):
    """One YAML file. With `extend: true` it adds to the built-in knowledge instead of replacing
    it, and entries that already exist there may leave out their text (to add vocabulary only)."""

    source: SourceEntry | None = None
    extend: bool = False
    principles: list[PrincipleEntry]

    @model_validator(mode="after")
    def _ids_are_unique(self) -> KnowledgeFile:
        numbers = [p.number for p in self.principles]
        for number in numbers:
            if numbers.count(number) > 1:
                raise ValueError(f"principle {number} appears more than once")
        ids = [pr.id for p in self.principles for pr in p.practices]
        for practice_id in ids:
            if ids.count(practice_id) > 1:
                raise ValueError(f"practice {practice_id} appears more than once")
        return self


@dataclass(frozen=True)
class Practice:
    id: str
    principle: int
    title: str
    description: str
    vocabulary: tuple[str, ...]


@dataclass(frozen=True)
class Principle:
    number: int
    title: str
    introduction: str
    practices: tuple[Practice, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    principles: tuple[Principle, ...]
    source: SourceEntry | None

    @property
    def practices(self) -> tuple[Practice, ...]:
        return tuple(pr for p in self.principles for pr in p.practices)

    def principle(self, number: int) -> Principle | None:
        return next((p for p in self.principles if p.number == number), None)

    def practice(self, practice_id: str) -> Practice | None:
        return next((pr for pr in self.practices if pr.id == practice_id), None)


# A list's entries are named by the key that identifies them, e.g. "practice 4.2".
_ENTRY_NAMES = {"principles": ("principle", "number"), "practices": ("practice", "id"),
                "checklists": ("checklist", "name"), "items": ("item", "id")}


def _describe_location(raw: Any, loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic error location into words a person editing the YAML can find:
    "principle 4, practice 4.2, field 'title'"."""
    parts: list[str] = []
    field_path: list[str] = []
    node, container = raw, None
    for step in loc:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(step, int) and container in _ENTRY_NAMES:
            kind, key = _ENTRY_NAMES[container]
            name = node.get(key) if isinstance(node, dict) else None
            parts.append(f"{kind} {name}" if name is not None else f"{kind} #{step + 1}")
            field_path = []
        elif isinstance(step, str) and step in _ENTRY_NAMES:
            container = step
        else:
            field_path.append(f"[{step}]" if isinstance(step, int) else step)
    where = ", ".join(parts) if parts else "top level"
    return where + (f", field '{'.'.join(field_path)}'" if field_path else "")


# libyaml's loader when PyYAML was built with it: several times faster at start-up.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read file: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from None


def _parse(path: Path, model: type[ModelT]) -> ModelT:
    """Read and validate one file; raise KnowledgeError with a single readable line."""
    raw = _read_yaml(path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        where = _describe_location(raw, first["loc"])
        raise KnowledgeError(f"{path}: {where}: {message}") from None


def parse_knowledge_file(path: Path) -> KnowledgeFile:
    return _parse(path, KnowledgeFile)


def build_knowledge_base(
    base: KnowledgeFile, extension: KnowledgeFile | None = None, origin: Path | str = "knowledge"
) -> KnowledgeBase:
    """Merge an extension into a base file and check that every entry has its full text.

    `origin` names the file in error messages.
    """
    principles: dict[int, dict[str, Any]] = {}
    for entry in [base, extension] if extension else [base]:
        for p in entry.principles:
            slot = principles.setdefault(
                p.number, {"title": None, "introduction": None, "practices": {}}
            )
            slot["title"] = p.title or slot["title"]
            slot["introduction"] = p.introduction or slot["introduction"]
            for pr in p.practices:
                known = slot["practices"].setdefault(
                    pr.id, {"title": None, "description": None, "vocabulary": []}
                )
                known["title"] = pr.title or known["title"]
                known["description"] = pr.description or known["description"]
                known["vocabulary"] = known["vocabulary"] + list(pr.vocabulary)
    built: list[Principle] = []
    for number, slot in sorted(principles.items()):
        for field in ("title", "introduction"):
            if not slot[field]:
                raise KnowledgeError(f"{origin}: principle {number}: field '{field}' is missing")
        practices = []
        for practice_id, pr in slot["practices"].items():
            for field in ("title", "description"):
                if not pr[field]:
                    raise KnowledgeError(
                        f"{origin}: practice {practice_id}: field '{field}' is missing"
                    )
            practices.append(
                Practice(
                    practice_id,
                    number,
                    pr["title"],
                    pr["description"],
                    tuple(dict.fromkeys(pr["vocabulary"])),
                )
            )
        practices.sort(key=lambda pr: int(pr.id.split(".")[1]))
        built.append(Principle(number, slot["title"], slot["introduction"], tuple(practices)))
    if not built or not any(p.practices for p in built):
        raise KnowledgeError(f"{origin}: top level: no practices defined")
    return KnowledgeBase(tuple(built), (extension.source if extension else None) or base.source)


# ---------------------------------------------------------------------------- checklists

MAX_CHECKLIST_ITEMS = 10  # Slack allows 10 options in one checkbox group
SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"


class ChecklistItemEntry(_Strict):
    id: Annotated[str, Field(pattern=SLUG)]
    # The length is checked before blankness so its error speaks of characters.
    text: Annotated[str, Field(max_length=75), AfterValidator(_not_blank)]  # a checkbox label
    practice: Annotated[str, Field(pattern=PRACTICE_ID.pattern)]


class ChecklistEntry(_Strict):
    name: Annotated[str, Field(pattern=SLUG)]
    title: Annotated[str, Field(max_length=100), AfterValidator(_not_blank)]
    description: Text | None = None
    items: Annotated[list[ChecklistItemEntry], Field(min_length=1, max_length=MAX_CHECKLIST_ITEMS)]

    @model_validator(mode="after")
    def _item_ids_are_unique(self) -> ChecklistEntry:
        ids = [item.id for item in self.items]
        for item_id in ids:
            if ids.count(item_id) > 1:
                raise ValueError(f"item {item_id} appears more than once")
        return self


class ChecklistFile(_Strict):
    """One checklists YAML file; with `extend: true` its checklists are added to the built-in
    ones (replacing any of the same name) instead of replacing them all."""

    extend: bool = False
    checklists: list[ChecklistEntry]

    @model_validator(mode="after")
    def _names_are_unique(self) -> ChecklistFile:
        names = [c.name for c in self.checklists]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"checklist {name} appears more than once")
        return self


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    practice_id: str


@dataclass(frozen=True)
class Checklist:
    name: str
    title: str
    description: str
    items: tuple[ChecklistItem, ...]


def parse_checklist_file(path: Path) -> ChecklistFile:
    return _parse(path, ChecklistFile)


def build_checklists(files: list[tuple[Path, ChecklistFile]],
                     knowledge: KnowledgeBase) -> dict[str, Checklist]:
    """Checklists by name, later files extending or replacing earlier ones; every item's
    practice must exist in the knowledge base."""
    built: dict[str, Checklist] = {}
    for path, parsed in files:
        if not parsed.extend:
            built = {}
        for entry in parsed.checklists:
            for item in entry.items:
                if knowledge.practice(item.practice) is None:
                    raise KnowledgeError(f"{path}: checklist {entry.name}, item {item.id}: "
                                         f"practice {item.practice} does not exist")
            built[entry.name] = Checklist(
                entry.name, entry.title, entry.description or "",
                tuple(ChecklistItem(i.id, i.text, i.practice) for i in entry.items),
            )
    return built
