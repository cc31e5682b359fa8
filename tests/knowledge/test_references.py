"""Direct references in a question (knowledge.references) under any input: found quickly,
always well-formed, never an exception."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.references import find_references
from tests.utils.hostile import hostile_text, quick


@settings(max_examples=100, deadline=None)
@given(text=hostile_text())
def test_any_text_gives_well_formed_references_quickly(text):
    found = quick(find_references, text)
    assert all(re.fullmatch(r"\d{1,2}\.\d{1,2}", p) for p in found.practice_ids)
    assert all(0 <= n <= 99 for n in found.principles)
    assert len(set(found.practice_ids)) == len(found.practice_ids)


@given(number=st.integers(1, 10), spaces=st.integers(0, 5), hash_=st.booleans())
def test_principle_n_is_found_however_it_is_spaced(number, spaces, hash_):
    text = "principle" + " " * spaces + ("#" if hash_ else "") + str(number)
    assert find_references(text).principles == [number]


def test_a_p_followed_by_40000_spaces_is_read_in_milliseconds():
    assert quick(find_references, "p" + " " * 40_000 + "x").principles == []
