"""The other languages' vocabularies and the chatter phrases load only when they are valid."""

from __future__ import annotations

import pytest
import yaml

from knowledge.loader import load_knowledge
from knowledge.models import KnowledgeError
from knowledge.vocabulary import VOCABULARY_DIR, load_chatter, load_vocabularies

LANGUAGES = {"fr", "es", "de", "pt", "it", "nl", "ko", "ja"}


def test_every_language_covers_every_practice():
    knowledge = load_knowledge()
    vocabularies = load_vocabularies(knowledge)
    assert {v.language for v in vocabularies} == LANGUAGES
    ids = {pr.id for pr in knowledge.practices}
    for vocabulary in vocabularies:
        assert set(vocabulary.phrases) == ids, vocabulary.language
        assert all(len(phrases) >= 5 for phrases in vocabulary.phrases.values())


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("fr.yaml", {"language": "fr", "practices": {"4.7": ["x"]}}, "practice 4.7 does not exist"),
        ("fr.yaml", {"language": "es", "practices": {}}, "differs from the file name"),
        ("xx.yaml", {"language": "xx", "practices": {}}, "String should match pattern"),
        ("fr.yaml", {"language": "fr", "practices": {"1.1": ["  "]}}, "must not be empty"),
        ("fr.yaml", {"language": "fr", "practices": {}, "colour": 1}, "Extra inputs"),
    ],
)
def test_a_broken_vocabulary_names_file_and_problem(tmp_path, name, content, expected):
    (tmp_path / name).write_text(yaml.safe_dump(content, allow_unicode=True))
    with pytest.raises(KnowledgeError) as error:
        load_vocabularies(load_knowledge(), tmp_path)
    assert str(error.value).startswith(str(tmp_path / name))
    assert expected in str(error.value)


def test_an_unknown_practice_is_left_out_when_not_strict(tmp_path):
    (tmp_path / "fr.yaml").write_text(yaml.safe_dump(
        {"language": "fr", "practices": {"4.7": ["x"], "4.1": ["sécurité"]}}))
    [vocabulary] = load_vocabularies(load_knowledge(), tmp_path, strict=False)
    assert vocabulary.phrases == {"4.1": ("sécurité",)}


def test_the_shipped_files_are_the_ones_found():
    assert {p.stem for p in VOCABULARY_DIR.glob("*.yaml")} == LANGUAGES


def test_chatter_phrases_load_and_a_broken_file_is_rejected(tmp_path):
    assert len(load_chatter()) >= 100
    path = tmp_path / "chatter.yaml"
    path.write_text(yaml.safe_dump({"phrases": ["lunch", ""]}))
    with pytest.raises(KnowledgeError, match="must not be empty"):
        load_chatter(path)
