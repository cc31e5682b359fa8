"""Stand-up checklists as data: the built-in file, the checklist generated for every principle, an
organisation's file that replaces or extends the built-in ones (PRINCIPLEBOT_CHECKLISTS), and a
broken file failing at load with one line naming the file, the checklist, the item and the
problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge import loader
from knowledge.loader import (
    default_checklists,
    load_checklists,
    load_knowledge,
    principle_checklist,
)
from knowledge.models import MAX_CHECKLIST_ITEMS, Checklist, KnowledgeError

KNOWLEDGE = load_knowledge()
BUILTIN_NAMES = ["daily", "weekly", "pre-release"]

OWN = {
    "checklists": [
        {
            "name": "ours",
            "title": "Our stand-up",
            "description": "Two questions.",
            "items": [
                {"id": "users", "text": "Did we talk to a user?", "practice": "1.1"},
                {"id": "open", "text": "Did we work in the open?", "practice": "3.1"},
            ],
        }
    ]
}
# A checklist named like a built-in one, to replace it.
OWN_DAILY = {
    "name": "daily",
    "title": "Our daily",
    "items": [{"id": "security", "text": "Did we think about security?", "practice": "4.1"}],
}


def write(tmp_path: Path, data: object, name: str = "checklists.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False) if not isinstance(data, str) else data)
    return path


def copy(data: dict) -> dict:
    return yaml.safe_load(yaml.safe_dump(data))


def broken_item(**changes: object) -> dict:
    """OWN with its second item ('open') changed."""
    data = copy(OWN)
    data["checklists"][0]["items"][1].update(changes)
    return data


def broken_title(title: str) -> dict:
    data = copy(OWN)
    data["checklists"][0]["title"] = title
    return data


def with_items(count: int) -> dict:
    data = copy(OWN)
    data["checklists"][0]["items"] = [
        {"id": f"item-{n}", "text": f"Question {n}?", "practice": "1.1"} for n in range(count)
    ]
    return data


def with_duplicate_item() -> dict:
    data = copy(OWN)
    data["checklists"][0]["items"][1]["id"] = "users"
    return data


def with_duplicate_checklist() -> dict:
    data = copy(OWN)
    data["checklists"].append(copy(OWN)["checklists"][0])
    return data


def items(checklist: Checklist) -> list[tuple[str, str, str]]:
    return [(item.id, item.text, item.practice_id) for item in checklist.items]


# ---------------------------------------------------------------------- the built-in file


def test_the_builtin_file_loads_with_daily_weekly_and_pre_release():
    checklists = load_checklists(KNOWLEDGE)
    assert list(checklists) == BUILTIN_NAMES
    assert 5 <= len(checklists["daily"].items) <= 7
    for name, checklist in checklists.items():
        assert checklist.name == name
        assert checklist.title.strip() and checklist.description.strip()
        assert 1 <= len(checklist.items) <= MAX_CHECKLIST_ITEMS
        ids = [item.id for item in checklist.items]
        assert len(set(ids)) == len(ids), name
        for item in checklist.items:
            assert item.text.strip() and len(item.text) <= 75, (name, item.id)


def test_every_builtin_item_names_an_existing_practice():
    checklists = load_checklists(KNOWLEDGE)
    for checklist in checklists.values():
        for item in checklist.items:
            assert KNOWLEDGE.practice(item.practice_id) is not None, (checklist.name, item.id)
    # The daily checklist's core questions.
    daily = {item.practice_id for item in checklists["daily"].items}
    assert {"1.1", "1.6"} <= daily


def test_without_the_environment_variable_the_builtin_checklists_are_used(monkeypatch):
    monkeypatch.delenv(loader.CHECKLISTS_VARIABLE, raising=False)
    assert default_checklists(KNOWLEDGE) == load_checklists(KNOWLEDGE)


# ---------------------------------------------------------------------- generated per principle


def test_every_principle_yields_a_checklist_of_all_its_practices_in_order():
    assert len(KNOWLEDGE.principles) == 10
    for principle in KNOWLEDGE.principles:
        checklist = principle_checklist(principle)
        assert checklist.name == f"principle-{principle.number}"
        assert checklist.title.strip() and checklist.description == principle.title
        assert [item.practice_id for item in checklist.items] == [
            practice.id for practice in principle.practices
        ], principle.number
        ids = [item.id for item in checklist.items]
        assert len(set(ids)) == len(ids), principle.number
        for item, practice in zip(checklist.items, principle.practices, strict=True):
            assert item.text.startswith("Are we ") and item.text.endswith("?"), item.text
            assert practice.title.lower().rstrip("?") in item.text.lower().replace(
                "ourselves", "yourself"), (item.text, practice.title)
            # Generated items go into the same checkbox group as the built-in ones.
            assert len(item.text) <= 75, item.text


def test_generated_item_ids_are_unique_across_principles():
    ids = [item.id for p in KNOWLEDGE.principles for item in principle_checklist(p).items]
    assert len(ids) == len(KNOWLEDGE.practices) == len(set(ids))


def test_a_generated_question_reads_as_plain_language():
    first = principle_checklist(KNOWLEDGE.principle(1)).items[0]
    assert (first.id, first.text, first.practice_id) == (
        "p1-1", "Are we seeking out the needs of users?", "1.1")
    not_yourself = principle_checklist(KNOWLEDGE.principle(9)).items[3]
    assert not_yourself.text == "Are we not building everything ourselves?"


# ---------------------------------------------------------------------- an organisation's file


def test_an_organisation_file_replaces_the_builtin_checklists(tmp_path, monkeypatch):
    monkeypatch.setenv(loader.CHECKLISTS_VARIABLE, str(write(tmp_path, OWN)))
    checklists = default_checklists(KNOWLEDGE)
    assert list(checklists) == ["ours"]
    assert checklists["ours"].title == "Our stand-up"
    assert checklists["ours"].description == "Two questions."
    assert items(checklists["ours"]) == [
        ("users", "Did we talk to a user?", "1.1"),
        ("open", "Did we work in the open?", "3.1"),
    ]


def test_an_extending_file_adds_checklists_and_replaces_one_of_the_same_name(
        tmp_path, monkeypatch):
    data = copy(OWN)
    data["extend"] = True
    data["checklists"].append(OWN_DAILY)
    monkeypatch.setenv(loader.CHECKLISTS_VARIABLE, str(write(tmp_path, data)))
    checklists = default_checklists(KNOWLEDGE)
    builtin = load_checklists(KNOWLEDGE)
    assert set(checklists) == {*BUILTIN_NAMES, "ours"}
    # The one of the same name is replaced whole, not merged item by item.
    assert checklists["daily"].title == "Our daily"
    assert checklists["daily"].description == ""
    assert items(checklists["daily"]) == [("security", "Did we think about security?", "4.1")]
    # The others are the built-in ones, untouched.
    assert checklists["weekly"] == builtin["weekly"]
    assert checklists["pre-release"] == builtin["pre-release"]
    assert items(checklists["ours"]) == [
        ("users", "Did we talk to a user?", "1.1"),
        ("open", "Did we work in the open?", "3.1"),
    ]


def test_an_extending_file_may_use_practices_of_an_extended_knowledge_base(tmp_path):
    knowledge = load_knowledge(write(tmp_path, {
        "extend": True,
        "principles": [{"number": 11, "title": "Our own principle", "introduction": "Ours.",
                        "practices": [{"id": "11.1", "title": "Frobbing",
                                       "description": "Frob well."}]}],
    }, "principles.yaml"))
    extension = {"extend": True, "checklists": [{
        "name": "frob", "title": "Frob check",
        "items": [{"id": "frobbed", "text": "Did we frob?", "practice": "11.1"}]}]}
    checklists = load_checklists(knowledge, write(tmp_path, extension))
    assert items(checklists["frob"]) == [("frobbed", "Did we frob?", "11.1")]
    with pytest.raises(KnowledgeError, match=r"practice 11\.1 does not exist"):
        load_checklists(KNOWLEDGE, write(tmp_path, extension))


# ---------------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (broken_item(colour="blue"),
         "checklist ours, item open, field 'colour': Extra inputs are not permitted"),
        (broken_item(text="   "), "checklist ours, item open, field 'text': must not be empty"),
        (broken_item(text="x" * 76),
         "checklist ours, item open, field 'text': String should have at most 75 characters"),
        (broken_title("T" * 101),
         "checklist ours, field 'title': String should have at most 100 characters"),
        (with_items(MAX_CHECKLIST_ITEMS + 1),
         "checklist ours: List should have at most 10 items"),
        (with_duplicate_item(), "checklist ours: item users appears more than once"),
        (with_duplicate_checklist(), "checklist ours appears more than once"),
        (broken_item(practice="4.99"), "checklist ours, item open: practice 4.99 does not exist"),
        (broken_item(practice="11.1"), "checklist ours, item open: practice 11.1 does not exist"),
    ],
    ids=["unknown-field", "empty-text", "text-over-75", "title-over-100",
         "11-items", "duplicate-item",
         "duplicate-checklist", "unknown-practice", "unknown-principle"],
)
@pytest.mark.parametrize("extend", [False, True], ids=["replacing", "extending"])
def test_a_broken_file_names_file_checklist_item_and_problem(tmp_path, data, expected, extend):
    data["extend"] = extend
    path = write(tmp_path, data)
    with pytest.raises(KnowledgeError) as error:
        load_checklists(KNOWLEDGE, path)
    message = str(error.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_the_limits_themselves_are_allowed(tmp_path):
    data = with_items(MAX_CHECKLIST_ITEMS)
    data["checklists"][0]["items"][0]["text"] = "x" * 75
    checklists = load_checklists(KNOWLEDGE, write(tmp_path, data))
    assert len(checklists["ours"].items) == MAX_CHECKLIST_ITEMS
    assert checklists["ours"].items[0].text == "x" * 75


def test_a_broken_file_named_by_the_environment_variable_fails_at_load(tmp_path, monkeypatch):
    path = write(tmp_path, broken_item(text=""))
    monkeypatch.setenv(loader.CHECKLISTS_VARIABLE, str(path))
    with pytest.raises(KnowledgeError) as error:
        default_checklists(KNOWLEDGE)
    assert str(error.value).startswith(f"{path}: checklist ours, item open, field 'text'")


def test_invalid_yaml_is_a_one_line_error_naming_the_file(tmp_path):
    path = write(tmp_path, "checklists:\n  - {name: ours, items: [\n")
    with pytest.raises(KnowledgeError) as error:
        load_checklists(KNOWLEDGE, path)
    message = str(error.value)
    assert message.startswith(f"{path}: not valid YAML")
    assert "\n" not in message


def test_a_missing_file_is_a_one_line_error_naming_the_file(tmp_path, monkeypatch):
    path = tmp_path / "absent.yaml"
    monkeypatch.setenv(loader.CHECKLISTS_VARIABLE, str(path))
    with pytest.raises(KnowledgeError) as error:
        default_checklists(KNOWLEDGE)
    message = str(error.value)
    assert message.startswith(f"{path}: cannot read file")
    assert "\n" not in message
