"""References answer directly: a principle's overview, a practice, or what exists instead."""

from __future__ import annotations

import pytest

from knowledge.references import find_references


@pytest.mark.parametrize("text", ["p4", "P4", "principle four", "Principle 4", "principle #4",
                                  "show me principle 4", "Prinzip 4"])
def test_a_principle_reference_is_the_principles_overview(index, text):
    answer = index.search(text, limit=10)
    assert answer.confident and not answer.declined
    assert answer.reason == "principle"
    assert answer.principle_reference == 4
    assert [m.practice.id for m in answer.matches] == ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6"]
    assert all(m.why == ("principle 4",) for m in answer.matches)


@pytest.mark.parametrize(("text", "number"), [("principle 11", "11"), ("p12", "12"),
                                              ("12.7", "12"), ("principle 0", "0")])
def test_a_principle_that_does_not_exist_gets_no_suggestions(index, text, number):
    answer = index.search(text)
    assert answer.matches == ()
    assert not answer.confident and not answer.declined
    assert answer.reason == "no_such_principle"
    assert answer.note == f"There is no principle {number}: there are 10 principles."


def test_a_practice_that_does_not_exist_names_its_principles_range(index):
    answer = index.search("4.7")
    assert answer.matches == ()
    assert answer.reason == "no_such_practice"
    assert answer.principle_reference == 4
    assert answer.note == "There is no practice 4.7: principle 4 has practices 4.1 to 4.6."


def test_a_practice_reference_is_that_practice(index):
    answer = index.search("10.3")
    assert answer.confident
    assert answer.reason is None and answer.principle_reference is None
    assert answer.matches[0].practice.id == "10.3"
    assert answer.matches[0].why == ("practice 10.3",)


@pytest.mark.parametrize(
    ("text", "principles", "practices", "only"),
    [
        ("the principles one should follow", [], [], False),
        ("principle three and its practices", [3], [], True),
        ("wcag 2.2 audit", [], [], False),
        ("2.2", [], ["2.2"], True),
        ("principle 4 carbon footprint", [4], [], False),
    ],
)
def test_references_are_found_as_written(text, principles, practices, only):
    refs = find_references(text)
    assert (refs.principles, refs.practice_ids, refs.only_references) == (
        principles, practices, only)
