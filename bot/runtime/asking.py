"""`principlebot ask` and `principlebot eval`: the matcher from a terminal.

Only the knowledge package is imported, so `ask` starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from knowledge.answer import PRINCIPLE
from knowledge.index import Answer, PracticeIndex
from knowledge.language import LANGUAGE_NAMES
from knowledge.loader import default_knowledge

EXCERPT_CHARS = 280


def _index() -> PracticeIndex:
    return PracticeIndex(default_knowledge())


def format_answer(answer: Answer) -> str:
    """A readable answer for a terminal: practice, principle, why, source excerpt."""
    if not answer.query.strip():
        return "Type a question or describe a situation, e.g. principlebot ask \"vendor lock-in\"."
    if answer.note:
        return answer.note
    if answer.declined or not answer.matches:
        return ("Not sure that is about the principles. Describe a service situation, or try "
                "`principlebot ask \"principle 1\"`.")
    lines: list[str] = []
    if answer.language != "en":
        lines.append(f"(understood as {LANGUAGE_NAMES.get(answer.language, answer.language)})")
    if answer.reason == PRINCIPLE:
        best = answer.matches[0].principle
        lines.append(f"Principle {best.number}: {best.title}")
        lines += [f"  {m.practice.id}  {m.practice.title}" for m in answer.matches]
        return "\n".join(lines)
    best, *others = answer.matches
    lines += [
        f"{best.practice.id}  {best.practice.title}  (score {best.score:.2f})",
        f"Principle {best.principle.number}: {best.principle.title}",
        f"Why: {', '.join(best.why)}",
        f"  \u201c{excerpt(best.practice.description)}\u201d",
    ]
    if others:
        lines.append("Also consider:")
        lines += [f"  {m.practice.id}  {m.practice.title}  (score {m.score:.2f})" for m in others]
    return "\n".join(lines)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def cmd_ask(args: argparse.Namespace) -> int:
    index = _index()
    if args.question:
        answer = index.search(" ".join(args.question), limit=args.limit)
        print(json.dumps(answer.to_json(), ensure_ascii=False) if args.json
              else format_answer(answer))
        return 0
    # Batch mode: one question per line in, exactly one answer per line out, in order.
    for line in sys.stdin:
        answer = index.search(line.rstrip("\r\n"), limit=args.limit)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(format_answer(answer).replace("\n", " | "), flush=True)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from knowledge.evaluation import evaluate, load_questions

    questions = load_questions(Path(args.file))
    index = _index()
    report = evaluate(lambda text, limit: index.search(text, limit=limit), index.knowledge,
                      questions)
    print(f"questions     {report.questions}")
    print(f"principle@1   {report.principle_at_1:.3f}")
    print(f"principle@3   {report.principle_at_3:.3f}")
    print(f"practice@1    {report.practice_at_1:.3f}")
    print(f"practice@3    {report.practice_at_3:.3f}")
    print(f"MRR           {report.mrr:.3f}")
    if report.off_topic_declined is not None:
        print(f"off-topic declined         {report.off_topic_declined:.3f}")
    if report.on_topic_declined is not None:
        print(f"on-topic wrongly declined  {report.on_topic_declined:.3f}")
    print(f"latency p50   {report.latency_p50_ms:.2f} ms")
    print(f"latency p99   {report.latency_p99_ms:.2f} ms")
    if report.groups:
        print(f"{'group':<24}{'n':>5}{'practice@1':>12}{'principle@1':>13}{'practice@3':>12}"
              f"{'off declined':>14}{'on declined':>13}")
    for name, scores in report.groups.items():
        rates = (f"{rate:>14.3f}" if rate is not None else f"{'-':>14}"
                 for rate in (scores.off_topic_declined, scores.on_topic_declined))
        print(f"{name:<24}{scores.questions:>5}{scores.practice_at_1:>12.3f}"
              f"{scores.principle_at_1:>13.3f}{scores.practice_at_3:>12.3f}{''.join(rates)}")
    if args.misses:
        for question, expected, got in report.misses:
            print(f"  expected {expected:>5}, got {got:>7}: {question}")
    return 0
