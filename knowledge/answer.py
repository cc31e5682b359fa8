"""What the matcher answers: ranked practices with scores and reasons, and how sure it is.

`Answer` fields a caller (the CLI, the Slack layer) relies on:

- `query`: the text as asked, chat markup included (the matcher reads past it; a caller showing
  it makes the markup plain and escapes it).
- `matches`: best first; each with `score` in [0, 1] and `why` (the words, typo corrections or
  nearest vocabulary phrase that made it).
- `score` is calibrated on labelled questions: of the answers whose top score is about s, about
  a fraction s were right, whatever the question or its language. It is comparable across
  questions; references and typed titles score 1.
- `confident`: the top match is the answer: the text is a question the principles answer and
  the top match's score reached `CONFIDENT_SCORE` (it is more likely right than wrong), or the
  text named a practice or principle directly. When false the matches, if any, are only the
  closest ones: present them as choices.
- `declined`: the text is not a question the principles answer (chatter, IT trouble, an empty
  or markup-only message); never confident. Show a short friendly decline, not the matches as
  choices. `reason` says why: "off_topic" or "empty".
- `reason` for the other unusual answers: "no_such_principle" ("principle 11": `note` says
  how many principles there are), "no_such_practice" ("4.7": `principle_reference`
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
# A ranked answer is confident from this score on: its top match is more likely right than not.
CONFIDENT_SCORE = 0.5


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
