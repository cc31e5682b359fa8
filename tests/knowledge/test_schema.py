"""A broken knowledge file fails at load with one line naming the file, the entry and the problem;
an organisation's file replaces or extends the built-in principles."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge import loader
from knowledge.index import PracticeIndex
from knowledge.loader import default_knowledge, load_knowledge
from knowledge.models import KnowledgeError

VALID = {
    "principles": [
        {
            "number": 1,
            "title": "Know your users",
            "introduction": "Users first.",
            "practices": [
                {"id": "1.1", "title": "Talking to users", "description": "Talk to them.",
                 "vocabulary": ["interviews"]},
                {"id": "1.2", "title": "Watching users", "description": "Observe them."},
            ],
        }
    ]
}


def write(tmp_path: Path, data: object, name: str = "org.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def broken(**changes: object) -> dict:
    data = yaml.safe_load(yaml.safe_dump(VALID))
    practice = data["principles"][0]["practices"][1]
    practice.update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (broken(colour="blue"), "practice 1.2, field 'colour': Extra inputs are not permitted"),
        (broken(description="   "), "practice 1.2, field 'description': must not be empty"),
        (broken(id="1.1"), "practice 1.1 appears more than once"),
        (broken(id="2.1"), "practice 2.1 is listed under principle 1"),
        (broken(id="one"), "field 'id': String should match pattern"),
    ],
)
def test_a_broken_file_names_file_entry_and_problem(tmp_path, data, expected):
    path = write(tmp_path, data)
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(path)
    message = str(error.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_invalid_yaml_and_missing_file_are_one_line_errors(tmp_path):
    with pytest.raises(KnowledgeError, match="not valid YAML"):
        load_knowledge(write(tmp_path, "principles: [\n  - {number: 1"))
    with pytest.raises(KnowledgeError, match="cannot read file"):
        load_knowledge(tmp_path / "absent.yaml")


def test_a_replacing_file_without_full_text_is_rejected(tmp_path):
    data = broken()
    del data["principles"][0]["practices"][1]["title"]
    with pytest.raises(KnowledgeError, match=r"practice 1\.2: field 'title' is missing"):
        load_knowledge(write(tmp_path, data))


def test_an_organisation_file_replaces_the_builtin(tmp_path):
    knowledge = load_knowledge(write(tmp_path, VALID))
    assert [pr.id for pr in knowledge.practices] == ["1.1", "1.2"]
    answer = PracticeIndex(knowledge).search("we ran interviews with talking users")
    assert answer.matches[0].practice.id == "1.1"


def test_an_extending_file_adds_vocabulary_and_practices(tmp_path):
    extension = {
        "extend": True,
        "principles": [
            {"number": 4, "practices": [{"id": "4.1", "vocabulary": ["zorblax review"]}]},
            {"number": 11, "title": "Our own principle", "introduction": "Ours.",
             "practices": [{"id": "11.1", "title": "Frobbing", "description": "Frob well."}]},
        ],
    }
    knowledge = load_knowledge(write(tmp_path, extension))
    assert len(knowledge.practices) == 66
    assert "zorblax review" in knowledge.practice("4.1").vocabulary
    assert knowledge.practice("4.1").title == load_knowledge().practice("4.1").title
    index = PracticeIndex(knowledge)
    assert index.search("zorblax review").matches[0].practice.id == "4.1"
    assert index.search("frobbing").matches[0].practice.id == "11.1"


def test_environment_variable_selects_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv(loader.OVERRIDE_VARIABLE, str(write(tmp_path, VALID)))
    default_knowledge.cache_clear()
    try:
        assert len(default_knowledge().practices) == 2
    finally:
        default_knowledge.cache_clear()
