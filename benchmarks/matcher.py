"""Matcher benchmark: index build time, query latency p50/p99, queries per second, peak memory.

Run: python -m benchmarks.matcher [--repeat N] [--questions FILE]
Queries are the dev set's questions (or any labelled set), repeated N times.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from knowledge.evaluation import load_questions, percentile
from knowledge.index import PracticeIndex
from knowledge.loader import load_knowledge

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[2] / "shared/eval/dev_questions.yaml"
FALLBACK_QUESTIONS = [
    "how do we avoid vendor lock-in?", "re-enter the same data on every form", "acessibility",
    "principle 4", "who owns this service end to end?", "what's for lunch",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    args = parser.parse_args()
    texts = ([q.q for q in load_questions(args.questions)] if args.questions.exists()
             else FALLBACK_QUESTIONS)

    builds = []
    for _ in range(5):
        started = time.perf_counter()
        PracticeIndex(load_knowledge())
        builds.append((time.perf_counter() - started) * 1000)

    tracemalloc.start()
    index = PracticeIndex(load_knowledge())
    _, build_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    latencies = []
    started_all = time.perf_counter()
    for _ in range(args.repeat):
        for text in texts:
            started = time.perf_counter()
            index.search(text)
            latencies.append((time.perf_counter() - started) * 1000)
    elapsed = time.perf_counter() - started_all

    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot.runtime.cli", "ask", "--json", "x"],
                   check=True, capture_output=True)
    process_seconds = time.perf_counter() - started

    print(f"knowledge + index build   median {statistics.median(builds):7.1f} ms   "
          f"max {max(builds):7.1f} ms   (5 builds)")
    print(f"build peak memory         {build_peak / 2**20:7.1f} MiB allocated by Python "
          f"(tracemalloc); process max RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")
    print(f"queries                   {len(latencies)} ({len(texts)} questions x {args.repeat})")
    print(f"query latency             p50 {percentile(latencies, 0.5):6.3f} ms   "
          f"p99 {percentile(latencies, 0.99):6.3f} ms   max {max(latencies):6.3f} ms")
    print(f"throughput                {len(latencies) / elapsed:7.0f} queries/s (one core)")
    print(f"`principlebot ask --json x` whole process {process_seconds * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
