"""The quick scenarios of the fault suite (benchmarks.faults --fast) against a real serve
process: malformed and unsigned bodies, replays, redelivered events, a 40,000-character command
beside /healthz, posts cut after Slack made them. Each keeps every promise of the suite."""

from __future__ import annotations

from benchmarks.faultkit import table
from benchmarks.faults import broken, run


async def test_the_quick_fault_scenarios_keep_every_promise():
    # One serve process (about 1.5 s to start) runs all five scenarios; the cut posts wait a
    # second of quiet to show no second post comes: about 4 s in all.
    rows = await run(fast=True)
    assert len(rows) == 5
    problems = {row.scenario: broken(row) for row in rows if broken(row)}
    assert problems == {}, table(rows)
    by_name = {row.scenario.split(": ", 1)[1]: row for row in rows}
    assert by_name["replays (each add posted 5 times)"].stored == 10
    assert by_name["malformed and unsigned bodies"].acked == 15
    assert by_name["posts cut after Slack made them"].stored == 3
