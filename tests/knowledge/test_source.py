"""The knowledge base matches the OECD source text word for word.

The expected principles and practices are parsed from the source file itself, so this test
checks the YAML against the text, not against a copy of it.
"""

from __future__ import annotations

import re

from knowledge.loader import load_knowledge
from tests.utils.paths import shared_file

SOURCE = "seed/oecd-good-practice-principles.txt"


def parse_source() -> list[dict]:
    principles: list[dict] = []
    for line in shared_file(SOURCE).read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^(\d+)\. (.+)$", line)
        text = line.strip()
        if heading:
            principles.append(
                {"number": int(heading[1]), "title": heading[2], "intro": None, "practices": []}
            )
        elif principles and text.startswith("\u2022"):
            title, description = text[1:].strip().split(": ", 1)
            principles[-1]["practices"].append((title, description))
        elif principles and text and principles[-1]["intro"] is None:
            principles[-1]["intro"] = text
    return principles


def test_every_principle_and_practice_is_verbatim():
    expected = parse_source()
    knowledge = load_knowledge()
    assert len(expected) == 10
    assert sum(len(p["practices"]) for p in expected) == 65
    assert [p.number for p in knowledge.principles] == [p["number"] for p in expected]
    for source, principle in zip(expected, knowledge.principles, strict=True):
        assert principle.title == source["title"]
        assert principle.introduction == source["intro"]
        got = [(pr.title, pr.description) for pr in principle.practices]
        assert got == source["practices"], f"principle {principle.number} differs from source"
        ids = [pr.id for pr in principle.practices]
        assert ids == [f"{principle.number}.{i}" for i in range(1, len(ids) + 1)]


def test_every_practice_has_a_search_vocabulary():
    for practice in load_knowledge().practices:
        assert len(practice.vocabulary) >= 20, practice.id
        assert all(term == term.strip() and term for term in practice.vocabulary)


def test_source_attribution_is_kept():
    knowledge = load_knowledge()
    assert knowledge.source is not None
    assert "OECD" in knowledge.source.publisher
    assert knowledge.source.version == "draft updated 18 May 2022"
