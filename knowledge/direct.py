"""Answers that need no ranking: references to a principle or practice, and titles typed out.

"p4", "principle four", "Principle 4" ask for principle 4 itself: the answer says so
(`reason="principle"`, `principle_reference=4`) and lists its practices in order. A number
that names nothing ("principle 11", "12.7", "4.7") gets an answer that says what exists
instead of suggestions. "10.3" or "practice 7.3" name practices; a practice title typed
roughly names its practice. A reference with other words ("principle 4 and carbon footprint")
keeps the principle and orders its practices by the words' ranking.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from knowledge.answer import NO_SUCH_PRACTICE, NO_SUCH_PRINCIPLE, PRINCIPLE, Answer, Match
from knowledge.models import KnowledgeBase, Practice
from knowledge.references import find_references
from knowledge.text import normalise

TITLE_CUTOFF = 88.0


class DirectAnswers:
    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge
        self._practices = knowledge.practices
        self._principles = {p.number: p for p in knowledge.principles}
        # A title may be typed without its parenthesis: "Asking users for information once".
        self._titles: list[str] = []
        self._title_docs: list[int] = []
        for doc, pr in enumerate(self._practices):
            for variant in dict.fromkeys((pr.title, re.sub(r"\s*\(.*?\)", "", pr.title))):
                self._titles.append(default_process(variant))
                self._title_docs.append(doc)

    def answer(self, text: str, cleaned: str, language: str, limit: int,
               ranking: Callable[[], Sequence[int]]) -> Answer | None:
        """The direct answer to `cleaned`, or None when it names nothing directly.
        `ranking()` gives the practices' positions best first, for references with words."""
        refs = find_references(cleaned)
        picked: list[Match] = []
        missing: list[str] = []
        for practice_id in refs.practice_ids:
            practice = self.knowledge.practice(practice_id)
            if practice:
                picked.append(self._match(practice, 1.0, f"practice {practice_id}"))
            else:
                missing.append(practice_id)
        for number in refs.principles:
            principle = self._principles.get(number)
            if principle:
                picked += [self._match(pr, 1.0, f"principle {number}")
                           for pr in principle.practices]
            else:
                missing.append(str(number))
        if not picked and missing:
            return self._nothing_named(text, missing[0], language)
        if not picked:
            title = self._title_typed(cleaned)
            return Answer(text, True, (title,), language=language) if title else None
        if not refs.only_references:
            # "principle 4 and passwords": keep principle 4, rank its practices by the words.
            order = {self._practices[doc].id: rank for rank, doc in enumerate(ranking())}
            picked.sort(key=lambda m: order.get(m.practice.id, len(order)))
        unique = list({m.practice.id: m for m in reversed(picked)}.values())[::-1]
        whole = refs.principles[0] if refs.principles and not refs.practice_ids else None
        reference = whole if whole in self._principles and refs.only_references else None
        return Answer(text, True, tuple(unique[:limit]), language=language,
                      reason=PRINCIPLE if reference else None, principle_reference=reference)

    def _nothing_named(self, text: str, reference: str, language: str) -> Answer:
        count = len(self._principles)
        if "." in reference:
            number = int(reference.split(".")[0])
            principle = self._principles.get(number)
            if principle and principle.practices:
                first, last = principle.practices[0].id, principle.practices[-1].id
                note = (f"There is no practice {reference}: principle {number} has practices "
                        f"{first} to {last}.")
                return Answer(text, False, (), language=language, reason=NO_SUCH_PRACTICE,
                              principle_reference=number, note=note)
        note = f"There is no principle {reference.split('.')[0]}: there are {count} principles."
        return Answer(text, False, (), language=language, reason=NO_SUCH_PRINCIPLE, note=note)

    def _match(self, practice: Practice, score: float, why: str) -> Match:
        return Match(practice, self._principles[practice.principle], score, (why,))

    def _title_typed(self, text: str) -> Match | None:
        query = default_process(normalise(text))
        if not query or len(query) < 8:
            return None
        hits = process.extract(
            query, self._titles, scorer=fuzz.ratio, score_cutoff=TITLE_CUTOFF, limit=1
        )
        if not hits:
            return None
        _, similarity, position = hits[0]
        practice = self._practices[self._title_docs[position]]
        return self._match(practice, round(similarity / 100, 4), "title")
