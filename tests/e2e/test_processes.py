"""The real processes: `principlebot serve`, `socket` and `console` run as a person runs them.

`serve` talks to a Slack double running in the test (SLACK_API_URL) and is driven over HTTP with
Slack-signed requests; the console runs a script and its output is read like a person would.
"""

from __future__ import annotations

import secrets
import socket

from bot.localslack import signed_requests as slack
from tests.utils.processes import assert_one_line_failure, clean_env, free_port, run_cli, serving
from tests.utils.slack import ACTOR, BOT_USER, BotClient, best_practice, shown

# ---------------------------------------------------------------------- serve


async def test_serve_answers_health_checks_and_signed_slack_requests(tmp_path, slack_double):
    secret = secrets.token_hex(16)
    async with serving(tmp_path, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=secret,
                       SLACK_API_URL=slack_double.api_url) as (base, session):
        async with session.get(f"{base}/healthz") as response:
            assert response.status == 200
            health = await response.json()
        assert health["status"] == "ok"
        assert isinstance(health["version"], str) and health["version"]

        bot = BotClient(f"{base}/slack/events", secret, slack_double, session)
        answer = await bot.answer("how do we avoid vendor lock-in?")
        assert answer["response_type"] == "ephemeral"
        assert best_practice(answer) == "3.2"

        refused = await bot.send(slack.slash_command(ACTOR, "/principles", "vendor lock-in",
                                                     slack_double.response_url()),
                                 secret="not-the-secret")
        assert refused.status == 401

        # Its Web API calls go to SLACK_API_URL.
        event = slack.message_event(ACTOR, "how do we avoid vendor lock-in?", mention=BOT_USER)
        await bot.event(event)
        [posted] = await slack_double.wait_for("chat.postMessage")
        assert posted.token == "xoxb-test"
        assert posted.args["thread_ts"] == event["ts"]
        assert "Favouring open standards" in shown(posted.args)


def test_serve_without_a_bot_token_says_so_in_one_line(tmp_path):
    env = clean_env(tmp_path, SLACK_SIGNING_SECRET="s3cret", PORT=str(free_port()))
    assert_one_line_failure(run_cli("serve", "--host", "127.0.0.1", env=env), "SLACK_BOT_TOKEN")


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = clean_env(tmp_path, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="s3cret",
                        PORT=str(port))
        result = run_cli("serve", "--host", "127.0.0.1", env=env)
    assert_one_line_failure(result, str(port))


def test_socket_without_an_app_token_says_so_in_one_line(tmp_path):
    env = clean_env(tmp_path, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="s3cret")
    assert_one_line_failure(run_cli("socket", env=env), "SLACK_APP_TOKEN")


# ---------------------------------------------------------------------- console


CONSOLE_SCRIPT = """\
# a question, then a click on its first candidate
/principles why do people have to type their address on every form?
1
/principles help
# the overview, expand principle 4, back to all principles
/principles
4
1
/principles <!channel> <@U123> <https://evil.example|click>
what should we do about vendor lock-in?
@ how do we avoid vendor lock-in?
!shortcut which_principle
!submit how do we know what our users need?
!quit
"""


def console_turns(output: str) -> list[tuple[str, str]]:
    """The console's output split by the script line that caused it: (line, what it showed,
    on one line since the console wraps long lines)."""
    turns: list[tuple[str, list[str]]] = []
    for line in output.splitlines():
        if line.startswith("> "):
            turns.append((line[2:], []))
        elif turns:
            turns[-1][1].append(line)
    return [(line, " ".join(" ".join(shown).split())) for line, shown in turns]


def test_console_script_runs_the_ask_scenarios(tmp_path, index):
    script = tmp_path / "ask.txt"
    script.write_text(CONSOLE_SCRIPT, encoding="utf-8")
    console_db = f"sqlite:///{tmp_path / 'console.db'}"
    result = run_cli("console", "--script", str(script), "--database", console_db,
                     env=clean_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    # DATABASE_URL (production's, on a server) is never touched by the console.
    assert not (tmp_path / "principlebot.db").exists()
    assert (tmp_path / "console.db").exists()
    turns = iter(console_turns(result.stdout))

    def shown_for(line: str) -> str:
        typed, text = next(turns)
        assert typed == line
        return text

    question = "why do people have to type their address on every form?"
    picked = index.search(question).matches[1]
    answer = shown_for(f"/principles {question}")
    assert "only you can see this" in answer
    assert "10.3 Asking users for information once" in answer
    assert f"[1] {picked.practice.id} {picked.practice.title}" in answer

    click = shown_for("1")
    assert "replacing the message above" in click
    # The answer now names the picked practice first, before any button.
    assert click.index(f"*{picked.practice.id} {picked.practice.title}*") < click.index("[1]")

    help_text = shown_for("/principles help")
    for command in ("/principles", "/standup", "/retro"):
        assert command in help_text

    overview = shown_for("/principles")
    for principle in index.knowledge.principles:
        assert f"*{principle.number}.* {principle.title}" in overview
    assert overview.count("Expand") == 10

    expanded = shown_for("4")
    assert "PRINCIPLE 4" in expanded
    for practice in index.knowledge.principle(4).practices:
        assert f"{practice.id} {practice.title}" in expanded
    assert "[1] All principles" in expanded
    assert shown_for("1").count("Expand") == 10

    injected = shown_for("/principles <!channel> <@U123> <https://evil.example|click>")
    # Escaped markup displays as typed; a live mention would show as @U123 and a live link as
    # "click (https://evil.example)".
    assert "You asked: <!channel> <@U123> <https://evil.example|click>" in injected
    assert "click (https://evil.example)" not in injected

    dm = shown_for("what should we do about vendor lock-in?")
    assert "posted in your DM, in the thread" in dm and "3.2 Favouring open standards" in dm

    mention = shown_for("@ how do we avoid vendor lock-in?")
    assert "posted in #service-team, in the thread" in mention
    assert "3.2 Favouring open standards" in mention
    assert "@alex asked: how do we avoid vendor lock-in?" in mention
    assert "UBOT" not in mention

    assert "-- modal: Which principle? --" in shown_for("!shortcut which_principle")
    submitted = shown_for("!submit how do we know what our users need?")
    expected = index.search("how do we know what our users need?").matches[0]
    assert "-- posted in your DM --" in submitted
    assert f"{expected.practice.id} {expected.practice.title}" in submitted
