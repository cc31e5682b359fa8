"""Chat markup is removed before matching: the writer's words decide, never a URL or a mention."""

from __future__ import annotations

import pytest

from knowledge.chat import clean_chat_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hey <@U024BE7LH> vendor lock-in?", "hey vendor lock-in?"),
        ("<!here> <!channel> <!subteam^S0123|@designers> plain language", "plain language"),
        ("ask in <#C05POLICY|policy-team> about procurement", "ask in about procurement"),
        ("see <https://www.gov.uk/help/accessibility|our accessibility statement>",
         "see our accessibility statement"),
        ("check <https://www.gov.uk/help/cookies> please", "check please"),
        ("check https://www.gov.uk/help/cookies please", "check please"),
        ("open data :tada: :+1::skin-tone-2:", "open data"),
        ("the form breaks on `submit()` again", "the form breaks on again"),
        ("```\nTraceback (most recent call last)\n```\nwho owns this service?",
         "who owns this service?"),
        ("&gt; quoted from someone else\nwho owns this service?", "who owns this service?"),
        ("> quoted\nwho owns this service?", "who owns this service?"),
        ("security &amp; privacy &lt;by design&gt;", "security & privacy <by design>"),
        ("who owns this service?\ncc <@U1> <@U2>", "who owns this service?"),
        ("who owns this service?\ncc: @ana, @ben", "who owns this service?"),
        ("*bold* and _italic_ and ~struck~ words", "bold and italic and struck words"),
    ],
)
def test_markup_goes_and_the_words_stay(text, expected):
    assert clean_chat_text(text) == expected


@pytest.mark.parametrize(
    "text",
    ["why do people have to give us the same documents again and again",
     "snake_case names and a/b tests, 99.9% uptime", "cc licence for open content?",
     "fyi: we publish our code"],
)
def test_text_without_markup_keeps_its_words(text):
    assert clean_chat_text(text) == text


def test_a_link_counts_by_its_label_not_its_address(index):
    answer = index.search("<https://www.gov.uk/help/accessibility-statement|statement> is it ok?")
    for match in answer.matches:
        assert not any(word in " ".join(match.why) for word in ("gov", "uk", "help"))


@pytest.mark.parametrize(
    ("plain", "marked_up"),
    [
        ("why do people have to type their address on every form again?",
         "<@U024BE7LH> why do people have to type their address on every form again? "
         ":thinking_face:\ncc <@U999>"),
        ("how do we avoid vendor lock-in?",
         "&gt; from the steering group\nhow do we avoid *vendor lock-in*? :lock: "
         "<https://example.org/contract/vendor-lock-in>"),
        ("our benefits system still runs on a mainframe nobody understands",
         "<!here> our benefits system still runs on a _mainframe_ nobody understands :scream:\n"
         "```\nERROR 0C7 in BENEFIT-CALC\n```"),
    ],
)
def test_markup_changes_neither_the_answer_nor_its_score(index, plain, marked_up):
    first, second = index.search(plain), index.search(marked_up)
    assert second.query == marked_up
    assert [m.practice.id for m in first.matches] == [m.practice.id for m in second.matches]
    assert second.confident == first.confident
    assert abs(first.matches[0].score - second.matches[0].score) <= 0.03


@pytest.mark.parametrize("text", [":tada: <@U024BE7LH>", "<https://example.org>", "```x```"])
def test_markup_alone_is_declined_as_empty(index, text):
    answer = index.search(text)
    assert answer.declined and not answer.confident
    assert answer.reason == "empty"
    assert answer.matches == ()
