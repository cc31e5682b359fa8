"""The `principlebot` command as a user runs it: a separate process, its output, its exit code."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import yaml

from tests.utils.paths import shared_file


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.runtime.cli", *args],
        input=stdin, capture_output=True, text=True, timeout=60, check=False,
    )


def assert_contract(answer: dict) -> None:
    # The promised fields; more may be added (language, declined, reason, ...).
    assert {"query", "confident", "matches"} <= set(answer)
    assert isinstance(answer["query"], str)
    assert isinstance(answer["confident"], bool)
    for match in answer["matches"]:
        assert {
            "principle", "principle_title", "practice_id", "practice", "score", "why"
        } <= set(match)
        assert isinstance(match["principle"], int)
        assert isinstance(match["principle_title"], str)
        assert isinstance(match["practice_id"], str)
        assert isinstance(match["practice"], str)
        assert isinstance(match["score"], float)
        assert 0.0 <= match["score"] <= 1.0
        assert isinstance(match["why"], list)
        assert all(isinstance(term, str) for term in match["why"])
    scores = [m["score"] for m in answer["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_json_follows_the_contract():
    result = run("ask", "--json", "how do we avoid vendor lock-in?")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert_contract(answer)
    assert answer["confident"] is True
    assert answer["matches"][0]["practice_id"] == "3.2"
    assert answer["matches"][0]["practice"] == "Favouring open standards"
    assert len(answer["matches"]) == 3


def test_ask_limit():
    answer = json.loads(run("ask", "--json", "--limit", "5", "user research").stdout)
    assert len(answer["matches"]) == 5
    assert run("ask", "--limit", "0", "x").returncode == 2


def test_ask_readable_answer_shows_practice_principle_why_and_source():
    result = run("ask", "re-enter the same data on every form")
    assert result.returncode == 0
    out = result.stdout
    assert "10.3  Asking users for information once" in out
    assert "Principle 10: Treat data as a strategic asset" in out
    assert "Why:" in out
    assert "citizens should only need to provide their data" in out


def test_ask_off_topic_says_it_is_not_sure():
    assert "Not sure" in run("ask", "what's for lunch").stdout


def test_batch_mode_writes_one_line_per_input_line_in_order():
    questions = ["vendor lock-in", "", "principle 2", "   ", "asdf", "acessibility"]
    result = run("ask", "--json", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions)
    answers = [json.loads(line) for line in lines]
    for question, answer in zip(questions, answers, strict=True):
        assert_contract(answer)
        assert answer["query"] == question
    assert answers[0]["matches"][0]["practice_id"] == "3.2"
    for blank in (answers[1], answers[3]):
        assert blank["confident"] is False
        assert blank["matches"] == []
    assert answers[2]["matches"][0]["practice_id"] == "2.1"
    assert answers[4]["confident"] is False


def test_eval_prints_all_figures(tmp_path):
    labelled = [
        {"q": "vendor lock-in", "principle": 3, "practice": "Favouring open standards"},
        {"q": "asdf", "principle": 1, "practice": "Seeking out the needs of users",
         "also": ["Championing inclusion"]},
    ]
    path = tmp_path / "set.yaml"
    path.write_text(yaml.safe_dump(labelled))
    result = run("eval", str(path))
    assert result.returncode == 0, result.stderr
    figures = dict(re.findall(r"^(\S+)\s+(\S+)$", result.stdout, re.M))
    assert figures["questions"] == "2"
    assert figures["practice@1"] == "0.500"
    assert figures["principle@1"] == "0.500"
    for name in ("principle@3", "practice@3", "MRR"):
        assert name in figures
    assert "latency" in result.stdout


def test_eval_prints_groups_and_declines(tmp_path):
    labelled = [
        {"q": "vendor lock-in", "principle": 3, "practice": "Favouring open standards",
         "style": "terse", "lang": "en"},
        {"q": "verrouillage propriétaire par l'éditeur", "principle": 3,
         "practice": "Favouring open standards", "style": "terse", "lang": "fr"},
        {"q": "happy birthday Sam! cake in the kitchen", "principle": 0, "style": "chatter"},
        {"q": "the printer on 3 is jammed again", "principle": 0, "style": "chatter"},
    ]
    path = tmp_path / "set.yaml"
    path.write_text(yaml.safe_dump(labelled, allow_unicode=True))
    result = run("eval", str(path))
    assert result.returncode == 0, result.stderr
    assert re.search(r"^off-topic declined\s+1\.000$", result.stdout, re.M)
    assert re.search(r"^on-topic wrongly declined\s+0\.000$", result.stdout, re.M)
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()
            if line.startswith(("style=", "lang="))}
    assert rows["style=chatter"] == ["2", "1.000", "1.000", "1.000", "1.000", "-"]
    assert rows["lang=fr"][:2] == ["1", "1.000"]
    assert rows["style=terse"][0] == "2"
    # Off-topic items count as right when declined, so they enter practice@1 too.
    assert re.search(r"^practice@1\s+1\.000$", result.stdout, re.M)


def test_eval_rejects_an_off_topic_item_with_a_practice(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump([{"q": "lunch", "principle": 0,
                                     "practice": "Favouring open standards"}]))
    result = run("eval", str(path))
    assert result.returncode == 2
    assert "question 1" in result.stderr and "off-topic item" in result.stderr


def test_ask_json_names_the_language_and_declines_chatter():
    answers = [json.loads(line) for line in run(
        "ask", "--json", stdin="¿cómo evitamos depender de un único proveedor?\nlunch?\np4\n"
    ).stdout.splitlines()]
    assert answers[0]["language"] == "es" and answers[0]["confident"] is True
    assert answers[1]["declined"] is True and answers[1]["reason"] == "off_topic"
    assert answers[2]["principle_reference"] == 4 and answers[2]["reason"] == "principle"


def test_eval_rejects_a_bad_file_with_one_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("- q: hello\n")
    result = run("eval", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith("principlebot: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "question 1, field 'principle': Field required" in result.stderr


def test_dev_set_quality_targets():
    result = run("eval", str(shared_file("eval/dev_questions.yaml")))
    assert result.returncode == 0, result.stderr
    figures = {
        name: float(value)
        for name, value in re.findall(r"^(\S+(?: p\d+)?)\s+([\d.]+)", result.stdout, re.M)
    }
    assert figures["principle@1"] >= 0.93
    assert figures["practice@1"] >= 0.93
    assert figures["practice@3"] >= 0.95
