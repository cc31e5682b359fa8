"""The `principlebot` command: its parser, and one-line errors with exit codes.

Imports of the Slack stack happen inside the subcommands that need them, so `principlebot ask`
starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bot.runtime.asking import cmd_ask, cmd_eval
from bot.runtime.errors import SettingsError, StartupError
from knowledge.models import KnowledgeError


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
    serve.set_defaults(run=_running("cmd_serve"))

    socket = commands.add_parser("socket", help="run the bot in Socket Mode (SLACK_APP_TOKEN)")
    socket.set_defaults(run=_running("cmd_socket"))

    console = commands.add_parser(
        "console", help="try the bot locally: no Slack workspace or tokens needed"
    )
    console.add_argument("--script", help="run the lines of FILE instead of prompting")
    console.add_argument("--database",
                         help="the console's own database (never DATABASE_URL; default "
                              "data/console.db)")
    console.set_defaults(run=_running("cmd_console"))

    migrate = commands.add_parser("migrate", help="apply database migrations (release step)")
    migrate.set_defaults(run=_running("cmd_migrate"))

    manifest = commands.add_parser(
        "manifest", help="print the Slack app manifest to create the app with")
    manifest.add_argument("--http", metavar="https://HOST",
                          help="HTTP mode at this public address (default: Socket Mode)")
    manifest.add_argument("--name", default="principlebot", help="the app's name in Slack")
    manifest.set_defaults(run=_manifest)

    export = commands.add_parser("export", help="write retro actions as CSV or JSON")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--team", help="only this Slack team id")
    export.add_argument("--channel", help="only this channel id")
    export.add_argument("--output", "-o", help="write to FILE instead of standard output")
    export.set_defaults(run=_running("cmd_export"))
    return parser


def _running(name: str) -> Callable[[argparse.Namespace], int]:
    """A subcommand of bot.runtime.running, imported when it runs: `ask` and `eval` never pay
    for the settings, the database engine or the Slack stack."""
    def run(args: argparse.Namespace) -> int:
        from bot.runtime import running

        command: Callable[[argparse.Namespace], int] = getattr(running, name)
        return command(args)

    return run


def _manifest(args: argparse.Namespace) -> int:
    from bot.runtime.manifest import cmd_manifest

    return cmd_manifest(args)


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
