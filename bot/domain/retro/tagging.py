"""Turning what people type as tags (#4, #4.2, #security) into principle and practice tags,
and proposing tags for an action nobody tagged."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain.matcher import Matcher
from bot.domain.retro.values import MAX_TAGS, RetroInputError, Tag

TAG_CANDIDATES = 5
TAG_PRINCIPLE_SHARE = 0.6
# Longer than any practice title word people type as a tag; a longer one is not searched.
MAX_TAG_LENGTH = 60
# Distinct typed tags resolved at most: two words may name one practice (#4.2 #security), but
# thousands of them are refused before the matcher reads any.
MAX_TAG_WORDS = 2 * MAX_TAGS


class Tagger:
    def __init__(self, matcher: Matcher) -> None:
        self._matcher = matcher

    async def resolve(self, token: str) -> Tag:
        """'#4' a principle, '#4.2' a practice, '#security' a word the matcher resolves."""
        word = token.strip().lstrip("#").strip()
        knowledge = self._matcher.knowledge
        if len(word) > MAX_TAG_LENGTH:
            raise RetroInputError(f"The tag #{word[:20]}\u2026 is too long: use a principle "
                                  "(#4), a practice (#4.2) or a word like #security.")
        if re.fullmatch(r"\d+", word):
            if knowledge.principle(int(word)) is None:
                raise RetroInputError(f"There is no principle {word}: use 1 to "
                                      f"{len(knowledge.principles)}.")
            return Tag(str(int(word)), int(word))
        if re.fullmatch(r"\d+\.\d+", word):
            practice = knowledge.practice(word)
            if practice is None:
                raise RetroInputError(f"There is no practice {word}.")
            return Tag(practice.id, practice.principle)
        answer = await self._matcher.search(word.replace("-", " "), limit=TAG_CANDIDATES)
        if answer.declined:  # "#lunch": no practice is meant
            raise RetroInputError(_unknown_tag(word))
        if word and answer.confident and answer.matches:
            match = answer.matches[0]
            return Tag(match.practice.id, match.principle.number)
        # A broad word ("security") spreads over several practices of one principle: when most
        # of the candidates' weight lies in one principle, take its best practice.
        weight: dict[int, float] = {}
        for match in answer.matches:
            weight[match.principle.number] = weight.get(match.principle.number, 0) + match.score
        if weight:
            principle, share = max(weight.items(), key=lambda item: (item[1], -item[0]))
            if share >= TAG_PRINCIPLE_SHARE * sum(weight.values()):
                best = next(m for m in answer.matches if m.principle.number == principle)
                return Tag(best.practice.id, principle)
        raise RetroInputError(_unknown_tag(word))

    async def propose(self, text: str) -> tuple[Tag, ...]:
        """The matcher's tags for untagged text: the top practice when it is confident,
        otherwise only the top principle; none when the text is no question of the principles
        (the matcher declined it) or nothing matches."""
        answer = await self._matcher.search(text, limit=1)
        if answer.declined or not answer.matches:
            return ()
        best = answer.matches[0]
        if answer.confident:
            return (Tag(best.practice.id, best.principle.number),)
        return (Tag(str(best.principle.number), best.principle.number),)

    async def checked(self, tokens: Sequence[str]) -> tuple[Tag, ...]:
        """The tags of typed tokens, each once; at most MAX_TAGS of them."""
        typed = dict.fromkeys(token.strip().lower() for token in tokens)
        if len(typed) > MAX_TAG_WORDS:
            raise RetroInputError(f"An action takes at most {MAX_TAGS} tags.")
        tags = tuple(dict.fromkeys([await self.resolve(token) for token in typed]))
        if len(tags) > MAX_TAGS:
            raise RetroInputError(f"An action takes at most {MAX_TAGS} tags.")
        return tags


def _unknown_tag(word: str) -> str:
    return (f"I don't know the tag #{word}. Use a principle (#4), a practice (#4.2) or a word "
            "I can match to one, like #security or #procurement.")
