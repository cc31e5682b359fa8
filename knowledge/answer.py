"""What the matcher answers: ranked practices with scores and reasons, and how sure it is.

`Answer` fields a caller (the CLI, the Slack layer) relies on:

- `query`: the text as asked, markup included (echo it back as the user wrote it).
- `matches`: best first; each with `score` in [0, 1] and `why` (the words, typo corrections or
  nearest vocabulary phrase that made it).
- `score` is calibrated on labelled questions: of the answers whose top score is about s, about
  a fraction s were right, whatever the question or its language. It is comparable across
  questions; references and typed titles score 1.
- `confident`: the top match is the answer (its score reached `CONFIDENT_SCORE`). When false the
  matches are only the closest ones, or there are none.
- `declined`: the text is not a question the principles answer (chatter, IT trouble, an empty
  or markup-only message). Show a short friendly decline, not the matches as choices.
  `reason` says why: "off_topic" or "empty".
- `reason` for the other unusual answers: "no_such_principle" ("principle 11": there are as
  many principles as `principle_count`), "no_such_practice" ("4.7": `principle_reference`
  names the principle, whose practices the caller can list), "principle" (the text names
  a principle, "p4": show principle `principle_reference`'s overview; `matches` are its
  practices in order). None for an ordinary answer.
- `language`: ISO 639-1 code of the language the question was understood as ("en", "fr", "es",
  "de", "pt", "it", "nl", "ko", "ja").
- `note`: one plain sentence for the unusual answers ("There are 10 principles."), or None.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.models import Practice, Principle

OFF_TOPIC = "off_topic"
EMPTY = "empty"
NO_SUCH_PRINCIPLE = "no_such_principle"
NO_SUCH_PRACTICE = "no_such_practice"
PRINCIPLE = "principle"


@dataclass(frozen=True)
class Match:
    practice: Practice
    principle: Principle
    score: float
    why: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    query: str
    confident: bool
    matches: tuple[Match, ...]
    language: str = "en"
    declined: bool = False
    reason: str | None = None
    principle_reference: int | None = None
    note: str | None = None

    def to_json(self) -> dict[str, object]:
        """The shape `principlebot ask --json` promises (see DESIGN.md, Interfaces), plus
        `language`, `declined`, `reason`, `principle_reference` and `note`."""
        return {
            "query": self.query,
            "confident": self.confident,
            "matches": [
                {
                    "principle": m.principle.number,
                    "principle_title": m.principle.title,
                    "practice_id": m.practice.id,
                    "practice": m.practice.title,
                    "score": m.score,
                    "why": list(m.why),
                }
                for m in self.matches
            ],
            "language": self.language,
            "declined": self.declined,
            "reason": self.reason,
            "principle_reference": self.principle_reference,
            "note": self.note,
        }
