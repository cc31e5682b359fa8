"""Matcher benchmark: the bot against stemmed BM25 and the semantic model alone, side by side.

Run: python -m benchmarks.matcher [--sets dev,slack.tune,...] [--holdout] [--candidates]

`--holdout` adds the held-out files: each set's `*.holdout` half and its later `*.fresh` file.

On the same questions in the same run it prints, per labelled set, the quality of each ranker
(practice@1, principle@1, practice@3, off-topic declined, on-topic wrongly declined) and its time
per question as a ratio to stemmed BM25 (the medians of three passes); then start-up figures:
index build, `principlebot ask --json x` as a whole process, and memory. `--candidates` adds
the other semantic model measured (wordllama, static embeddings shipped in its wheel), alone
and fused. A question file that is missing stops the run with its path: figures on other
questions would not be comparable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

from benchmarks.rankers import Ranker, bm25_ranker, bot_ranker, model_ranker, wordllama_model
from bot.localslack.standin import SlackStandIn
from knowledge.answer import Answer
from knowledge.evaluation import EvalReport, evaluate, load_questions
from knowledge.index import PracticeIndex
from knowledge.loader import load_knowledge

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared/eval/dev_questions.yaml"
SETS = REPO / "benchmarks/sets"
PASSES = 3


def question_files(names: list[str], holdout: bool) -> dict[str, Path]:
    files = {}
    for name in names:
        path = DEV if name == "dev" else SETS / f"{name}.yaml"
        files[name] = path
    if holdout:
        files.update({p.stem: p for p in sorted(SETS.glob("*.holdout.yaml"))})
        files.update({p.stem: p for p in sorted(SETS.glob("*.fresh.yaml"))})
    missing = [str(p) for p in files.values() if not p.exists()]
    if missing:
        raise SystemExit("benchmarks.matcher: question file(s) missing: " + ", ".join(missing)
                         + " (benchmark sets live in benchmarks/sets; the dev set in "
                         "../shared/eval)")
    return files


def default_sets() -> list[str]:
    tuning = [*SETS.glob("*.tune.yaml"), *SETS.glob("*.extra.yaml")]
    return ["dev", *sorted(p.stem for p in tuning)]


Timing = tuple[float, float]  # median over the passes of the p50 and of the p99, ms


def measure(ranker: Ranker, files: dict[str, Path]) -> dict[str, tuple[EvalReport, Timing]]:
    """Per set: the report of the first pass and the medians of the passes' p50 and p99."""
    knowledge = ranker.knowledge
    results = {}
    for name, path in files.items():
        questions = load_questions(path)
        reports = [evaluate(lambda text, limit: _cold(ranker, text, limit), knowledge,
                            questions) for _ in range(PASSES)]
        results[name] = (reports[0], (statistics.median(r.latency_p50_ms for r in reports),
                                      statistics.median(r.latency_p99_ms for r in reports)))
    return results


def _cold(ranker: Ranker, text: str, limit: int) -> Answer:
    """The ranker's answer, timed as for a question it has never seen (in a set, the same
    text may come twice: with and without chat markup, say)."""
    ranker.forget()
    return ranker.search(text, limit)


def startup() -> dict[str, float]:
    builds = []
    knowledge = load_knowledge()
    for _ in range(PASSES):
        started = time.perf_counter()
        PracticeIndex(knowledge)
        builds.append(time.perf_counter() - started)
    processes = []
    for _ in range(PASSES):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.runtime.cli", "ask", "--json", "x"],
                       check=True, capture_output=True)
        processes.append(time.perf_counter() - started)
    # The peak resident memory of a fresh process (VmHWM: getrusage's maxrss would count the
    # pages a child shares with this benchmark at fork).
    rss = subprocess.run(
        [sys.executable, "-c", "from knowledge.index import PracticeIndex; "
         "from knowledge.loader import load_knowledge; i = PracticeIndex(load_knowledge()); "
         "[i.search(q) for q in ('vendor lock-in', 'acessibility', 'lunch?')]; "
         "print(next(l.split()[1] for l in open('/proc/self/status') "
         "if l.startswith('VmHWM')))"],
        check=True, capture_output=True, text=True).stdout
    ready, serve_rss = serve_startup()
    return {"index build (s)": statistics.median(builds),
            "ask --json x process (s)": statistics.median(processes),
            "serve ready, /healthz 200 (s)": ready,
            "serve peak RSS when ready (MiB)": serve_rss,
            "index process RSS after queries (MiB)": int(rss) / 1024}


def serve_startup() -> tuple[float, float]:
    """`principlebot serve` from spawn to its first 200 on /healthz (the median of PASSES
    starts on a migrated SQLite database; one start before them migrates it), and the peak
    resident memory of the last one when ready. Its token is checked at start, against the
    Slack stand-in served by this process."""
    return asyncio.run(_serve_startup())


async def _serve_startup() -> tuple[float, float]:
    standin = SlackStandIn()
    await standin.start()
    try:
        with tempfile.TemporaryDirectory(prefix="principlebot-matcher-bench-") as scratch:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-benchmark",
                   "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": standin.api_url,
                   "DATABASE_URL": f"sqlite:///{scratch}/bench.db", "PORT": str(port),
                   "LOG_LEVEL": "WARNING"}
            times, rss = [], 0.0
            for _ in range(PASSES + 1):
                started = time.perf_counter()
                server = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot.runtime.cli", "serve", "--host", "127.0.0.1",
                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                try:
                    await _wait_healthy(server, port)
                    times.append(time.perf_counter() - started)
                    status = Path(f"/proc/{server.pid}/status").read_text()
                    rss = int(next(line.split()[1] for line in status.splitlines()
                                   if line.startswith("VmHWM"))) / 1024
                finally:
                    server.terminate()
                    await server.wait()
    finally:
        await standin.stop()
    return statistics.median(times[1:]), rss


async def _wait_healthy(server: asyncio.subprocess.Process, port: int) -> None:
    deadline = time.perf_counter() + 30
    async with aiohttp.ClientSession() as session:
        while time.perf_counter() < deadline:
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as reply:
                    if reply.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                if server.returncode is not None:
                    error = await server.stderr.read() if server.stderr else b""
                    raise SystemExit("benchmarks.matcher: serve stopped: "
                                     + error.decode()[-500:]) from None
                await asyncio.sleep(0.01)
    raise SystemExit("benchmarks.matcher: serve was not ready within 30 s")


def _rate(value: float | None) -> str:
    return f"{value:6.3f}" if value is not None else f"{'-':>6}"


def report(results: dict[str, dict[str, tuple[EvalReport, Timing]]], files: dict[str, Path]
           ) -> None:
    base = "bm25"
    print("p@1, P@1, p@3: practice@1, principle@1, practice@3; off↓: off-topic declined; "
          "on↓: on-topic wrongly declined; p50/p99: ms per question; × bm25: p50 ratio")
    print(f"{'set':<22}{'ranker':<22}{'p@1':>7}{'P@1':>7}{'p@3':>7}{'off↓':>7}{'on↓':>7}"
          f"{'p50':>8}{'p99':>8}{'× bm25':>8}")
    for name in files:
        for ranker, per_set in results.items():
            scores, (p50, p99) = per_set[name]
            ratio = p50 / max(results[base][name][1][0], 1e-6)
            print(f"{name:<22}{ranker:<22}{scores.practice_at_1:7.3f}{scores.principle_at_1:7.3f}"
                  f"{scores.practice_at_3:7.3f} {_rate(scores.off_topic_declined)} "
                  f"{_rate(scores.on_topic_declined)}{p50:8.2f}{p99:8.2f}{ratio:8.1f}")
            for group, group_scores in scores.groups.items():
                print(f"  {group:<42}{group_scores.practice_at_1:7.3f}"
                      f"{group_scores.principle_at_1:7.3f}{group_scores.practice_at_3:7.3f} "
                      f"{_rate(group_scores.off_topic_declined)} "
                      f"{_rate(group_scores.on_topic_declined)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", help="comma-separated: dev and benchmarks/sets names "
                                       "(default: dev and every tuning file, *.tune and *.extra)")
    parser.add_argument("--holdout", action="store_true", help="add the held-out sets "
                        "(*.holdout and the later *.fresh)")
    parser.add_argument("--candidates", action="store_true",
                        help="also measure wordllama alone and fused")
    args = parser.parse_args()
    files = question_files(args.sets.split(",") if args.sets else default_sets(), args.holdout)
    knowledge = load_knowledge()
    bot = PracticeIndex(knowledge)
    rankers: dict[str, Callable[[], Ranker]] = {
        "bm25": lambda: bm25_ranker(knowledge),
        "e5 alone": lambda: model_ranker(bot, knowledge),
        "bot (e5 fused)": lambda: bot_ranker(bot),
    }
    if args.candidates:
        rankers["wordllama alone"] = lambda: model_ranker(
            PracticeIndex(knowledge, model=wordllama_model()), knowledge)
        rankers["bot (wordllama fused)"] = lambda: bot_ranker(
            PracticeIndex(knowledge, model=wordllama_model()))
    results = {name: measure(make(), files) for name, make in rankers.items()}
    report(results, files)
    for name, value in startup().items():
        print(f"{name:<34}{value:8.3f}")
    print(f"benchmark process max RSS (MiB)   "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.1f}")


if __name__ == "__main__":
    main()
