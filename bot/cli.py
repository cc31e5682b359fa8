"""The `principlebot` command: ask, eval, and the ways to run the bot.

Imports of the Slack stack happen inside the subcommands that need them, so `principlebot ask`
starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import CONSOLE_DATABASE, Settings
from bot.errors import SettingsError, StartupError
from knowledge.index import Answer, PracticeIndex
from knowledge.language import LANGUAGE_NAMES
from knowledge.loader import default_knowledge
from knowledge.models import KnowledgeError

EXCERPT_CHARS = 280

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.app import Services


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
    if answer.principle_reference:
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


def _settings() -> Settings:
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"]).upper()
        raise SettingsError(f"{name}: {error['msg']}") from None


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Migration chatter is noise at start-up unless debugging.
    if settings.log_level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)


def _run_bot(settings: Settings, receive: Callable[[AsyncApp, Services], Awaitable[None]],
             *, socket_mode: bool = False) -> None:
    """Start-up shared by serve and socket: services, migrations, the app, background tasks;
    then `receive` takes Slack's requests until the process is stopped."""
    from bot.app import background_tasks, build_app, build_services, freeze_startup_objects

    _configure_logging(settings)

    async def run() -> None:
        services = build_services(settings)
        try:
            await services.prepare()
            app = build_app(settings, services=services, socket_mode=socket_mode)
            freeze_startup_objects()
            async with background_tasks(app, services):
                await receive(app, services)
        finally:
            await services.close()

    asyncio.run(run())


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.server import serve_forever, web_app

    settings = _settings()
    settings.require("slack_bot_token", "slack_signing_secret")

    async def receive(app: AsyncApp, services: Services) -> None:
        await serve_forever(web_app(app, services.health), args.host, settings.port)

    _run_bot(settings, receive)
    return 0


def cmd_socket(_: argparse.Namespace) -> int:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    settings = _settings()
    settings.require("slack_bot_token", "slack_app_token")

    async def receive(app: AsyncApp, _: Services) -> None:
        await AsyncSocketModeHandler(app, settings.secret("slack_app_token")).start_async()

    _run_bot(settings, receive, socket_mode=True)
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    from bot.app import build_services

    settings = _settings()

    async def run() -> None:
        services = build_services(settings)
        try:
            await services.prepare()
        finally:
            await services.close()

    asyncio.run(run())
    print("database is up to date", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from bot.app import build_services
    from bot.export import write_actions

    settings = _settings()

    async def run() -> None:
        services = build_services(settings)
        try:
            await services.prepare()
            actions = await services.retro.export(team_id=args.team, channel_id=args.channel)
        finally:
            await services.close()
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                write_actions(actions, args.format, out)
        else:
            write_actions(actions, args.format, sys.stdout)

    asyncio.run(run())
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    from bot.console import run_console

    settings = _settings()
    _configure_logging(settings)
    if args.script:
        try:
            lines = Path(args.script).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ValueError(f"{args.script}: cannot read file: {exc.strerror}") from None
        return asyncio.run(run_console(lines, database_url=args.database))
    return asyncio.run(run_console(None, database_url=args.database))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="principlebot",
        description="The OECD Good Practice Principles for public service design, in Slack.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="which practice applies to a question or situation")
    ask.add_argument("question", nargs="*", help="the question; none: one per line on stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    ask.add_argument("--limit", type=_positive, default=3, help="how many matches (default 3)")
    ask.set_defaults(run=cmd_ask)

    ev = commands.add_parser("eval", help="score the matcher on a labelled YAML question set")
    ev.add_argument("file")
    ev.add_argument("--misses", action="store_true", help="list the questions it got wrong")
    ev.set_defaults(run=cmd_eval)

    serve = commands.add_parser("serve", help="run the bot in HTTP mode on $PORT (default 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on")
    serve.set_defaults(run=cmd_serve)

    socket = commands.add_parser("socket", help="run the bot in Socket Mode (SLACK_APP_TOKEN)")
    socket.set_defaults(run=cmd_socket)

    console = commands.add_parser(
        "console", help="try the bot locally: no Slack workspace or tokens needed"
    )
    console.add_argument("--script", help="run the lines of FILE instead of prompting")
    console.add_argument("--database", default=CONSOLE_DATABASE,
                         help="the console's own database (never DATABASE_URL; default "
                              f"{CONSOLE_DATABASE})")
    console.set_defaults(run=cmd_console)

    migrate = commands.add_parser("migrate", help="apply database migrations (release step)")
    migrate.set_defaults(run=cmd_migrate)

    export = commands.add_parser("export", help="write retro actions as CSV or JSON")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--team", help="only this Slack team id")
    export.add_argument("--channel", help="only this channel id")
    export.add_argument("--output", "-o", help="write to FILE instead of standard output")
    export.set_defaults(run=cmd_export)
    return parser


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (KnowledgeError, SettingsError, ValueError) as exc:
        print(f"principlebot: {exc}", file=sys.stderr)
        return 2
    except StartupError as exc:
        print(f"principlebot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
