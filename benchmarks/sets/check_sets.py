#!/usr/bin/env python3
"""Validate the labelled evaluation sets in this folder and print a summary.

Usage (from the repository root or anywhere):

    python3 benchmarks/sets/check_sets.py [SEED_FILE]

SEED_FILE is the OECD source text the 65 practice titles are read from; by default
``../shared/seed/oecd-good-practice-principles.txt`` relative to the repository root.
Needs only PyYAML and the standard library. Exits with status 1 if any check fails.

Checks, for every ``<set>.<tune|holdout|fresh|extra>.yaml`` file in this folder (``fresh``, later
held-out items, and ``extra``, more tuning items, are optional and outside the split):
  - the file is a YAML list of mappings with only the known keys;
  - ``q`` is a non-empty string of fewer than 400 characters;
  - ``principle`` is 0..10; off-topic items (0) carry no ``practice`` and no ``also``;
  - ``practice`` and every ``also`` entry is one of the 65 titles, ``practice`` belongs to
    ``principle``, ``also`` has no repeats and does not repeat ``practice``;
  - the set's group fields are present and valid (offtopic: style; slack: style and markup;
    multilingual: lang; standards: source);
  - no ``q`` appears twice, within a file or across files (compared after trimming,
    case-folding and collapsing whitespace);
  - slack: every plain item is followed by its Slack-markup twin with the same label and style,
    and the twin still carries most of the plain wording;
  - each set has both halves, the tuning half holds roughly 40% of the items, and both halves
    cover the same groups and principles;
  - standards: at least 5 sources with at least 12 items each.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DEFAULT_SEED = REPO_ROOT / ".." / "shared" / "seed" / "oecd-good-practice-principles.txt"

SETS = {
    # set name: (group fields, on-topic?)
    "offtopic": (("style",), False),
    "slack": (("style", "markup"), True),
    "multilingual": (("lang",), True),
    "standards": (("source",), True),
}
SPLITS = ("tune", "holdout")
# Later files of a set, outside the 40/60 split and the set's minimum size, both optional:
# held-out items written after the first two halves had been used (never tuned on), and more
# tuning items.
LATER = ("fresh", "extra")
BASE_KEYS = {"q", "principle", "practice", "also"}
SLACK_STYLES = {"terse", "typos", "non-native", "symptoms", "roles"}
LANGS = {"fr", "es", "de", "pt", "it", "nl", "ko", "ja"}
MARKUPS = {"plain", "slack"}
MAX_Q = 400
TUNE_SHARE = (0.30, 0.50)  # accepted share of items in the tuning half
MIN_SOURCES, MIN_PER_SOURCE = 5, 12

PRINCIPLE_RE = re.compile(r"^\s*(\d{1,2})\.\s+\S")
BULLET_RE = re.compile(r"^\s*•\s*(.+)$")


def read_titles(seed: Path) -> dict[str, int]:
    """Return {practice title: principle number} from the OECD source text.

    A principle starts at a line "N. Heading"; each bullet "• Title: description" under it is
    one practice, numbered in order. The title is the text before the first colon.
    """
    titles: dict[str, int] = {}
    principle = 0
    for line in seed.read_text(encoding="utf-8").splitlines():
        m = PRINCIPLE_RE.match(line)
        if m and 1 <= int(m.group(1)) <= 10:
            principle = int(m.group(1))
            continue
        b = BULLET_RE.match(line)
        if b and principle:
            title = b.group(1).split(":", 1)[0].strip()
            titles[title] = principle
    return titles


def norm_q(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def strip_slack(text: str) -> str:
    """Remove Slack markup so the plain wording of a marked-up twin can be compared."""
    text = re.sub(r"<([@#!][^>|]*)(\|[^>]*)?>", " ", text)  # mentions, channels, specials
    text = re.sub(r"<(https?://[^>|]+)\|([^>]*)>", r" \2 ", text)  # labelled links keep label
    text = re.sub(r"<https?://[^>]+>", " ", text)  # bare links
    text = re.sub(r":[a-z0-9_+\-]+:", " ", text)  # emoji shortcodes
    text = html.unescape(text)
    return text


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"{where}: {msg}")


def check_item(item, where: str, set_name: str, titles: dict[str, int], rep: Report) -> None:
    groups, on_topic = SETS[set_name]
    if not isinstance(item, dict):
        rep.error(where, "item is not a mapping")
        return
    unknown = set(item) - BASE_KEYS - set(groups)
    if unknown:
        rep.error(where, f"unknown keys {sorted(unknown)}")
    q = item.get("q")
    if not isinstance(q, str) or not q.strip():
        rep.error(where, "missing or empty q")
    elif len(q) >= MAX_Q:
        rep.error(where, f"q has {len(q)} characters (limit {MAX_Q - 1})")
    p = item.get("principle")
    if not isinstance(p, int) or isinstance(p, bool) or not 0 <= p <= 10:
        rep.error(where, f"principle {p!r} is not 0..10")
        return
    practice, also = item.get("practice"), item.get("also")
    if p == 0:
        if on_topic:
            rep.error(where, "off-topic item (principle 0) in an on-topic set")
        if practice is not None or also is not None:
            rep.error(where, "off-topic item must have no practice and no also")
    else:
        if not on_topic:
            rep.error(where, f"on-topic item (principle {p}) in the off-topic set")
        if practice not in titles:
            rep.error(where, f"practice {practice!r} is not one of the 65 titles")
        elif titles[practice] != p:
            rep.error(
                where, f"practice {practice!r} belongs to principle {titles[practice]}, not {p}"
            )
        if also is not None:
            if not isinstance(also, list) or not also:
                rep.error(where, "also must be a non-empty list when present")
            else:
                for a in also:
                    if a not in titles:
                        rep.error(where, f"also entry {a!r} is not one of the 65 titles")
                if len(set(also)) != len(also):
                    rep.error(where, "also repeats an entry")
                if practice in also:
                    rep.error(where, "also repeats the practice")
    for g in groups:
        v = item.get(g)
        if not isinstance(v, str) or not v.strip():
            rep.error(where, f"missing group field {g!r}")
            continue
        if set_name == "slack" and g == "style" and v not in SLACK_STYLES:
            rep.error(where, f"style {v!r} not in {sorted(SLACK_STYLES)}")
        if set_name == "slack" and g == "markup" and v not in MARKUPS:
            rep.error(where, f"markup {v!r} not in {sorted(MARKUPS)}")
        if set_name == "multilingual" and v not in LANGS:
            rep.error(where, f"lang {v!r} not in {sorted(LANGS)}")


def label(item: dict) -> tuple:
    return (item.get("principle"), item.get("practice"), tuple(item.get("also") or ()))


def check_slack_pairs(items: list, fname: str, rep: Report) -> None:
    if len(items) % 2:
        rep.error(fname, "odd number of items: plain/slack twins must come in pairs")
    for i in range(0, len(items) - 1, 2):
        a, b = items[i], items[i + 1]
        where = f"{fname}[{i}..{i + 1}]"
        if not (isinstance(a, dict) and isinstance(b, dict)):
            continue
        if a.get("markup") != "plain" or b.get("markup") != "slack":
            rep.error(where, "expected a markup: plain item followed by its markup: slack twin")
            continue
        if label(a) != label(b) or a.get("style") != b.get("style"):
            rep.error(where, "twins differ in label or style")
        plain = words(a.get("q", ""))
        marked = Counter(words(strip_slack(b.get("q", ""))))
        if plain:
            kept = sum(1 for w in plain if marked[w] > 0) / len(plain)
            if kept < 0.8:
                rep.error(where, f"slack twin keeps only {kept:.0%} of the plain wording")
        if a.get("q") == b.get("q"):
            rep.error(where, "slack twin has no markup")


def table(rows: list[list], header: list[str]) -> str:
    cols = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cols) for i in range(len(header))]
    def line(r: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    out = [line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in cols[1:]]
    return "\n".join(out)


def later_summary(set_name: str, later: str, items: list) -> list:
    groups, on_topic = SETS[set_name]
    practices = {it.get("practice") for it in items if it.get("practice")}
    principles = {it.get("principle") for it in items} - {0}
    counts = Counter(it.get(groups[0]) for it in items)
    return [f"{set_name}.{later}", len(items), len(practices) if on_topic else "-",
            len(principles) if on_topic else "-",
            ", ".join(f"{k}: {n}" for k, n in sorted(counts.items()))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "seed",
        nargs="?",
        type=Path,
        default=DEFAULT_SEED,
        help="OECD source text (default: %(default)s)",
    )
    ap.add_argument("--dir", type=Path, default=HERE, help="folder holding the set files")
    args = ap.parse_args(argv)

    rep = Report()
    if not args.seed.exists():
        print(f"seed file not found: {args.seed}", file=sys.stderr)
        return 1
    titles = read_titles(args.seed)
    per_principle = Counter(titles.values())
    if len(titles) != 65 or sorted(per_principle) != list(range(1, 11)):
        rep.error(
            str(args.seed), f"expected 65 practices under principles 1-10, found {len(titles)}"
        )

    seen_q: dict[str, str] = {}
    data: dict[tuple[str, str], list] = {}
    for set_name in SETS:
        for split in (*SPLITS, *LATER):
            path = args.dir / f"{set_name}.{split}.yaml"
            if not path.exists():
                if split not in LATER:
                    rep.error(path.name, "file missing")
                continue
            try:
                items = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                rep.error(path.name, f"invalid YAML: {exc}")
                continue
            if not isinstance(items, list) or not items:
                rep.error(path.name, "expected a non-empty YAML list")
                continue
            for i, item in enumerate(items):
                where = f"{path.name}[{i}]"
                check_item(item, where, set_name, titles, rep)
                if isinstance(item, dict) and isinstance(item.get("q"), str):
                    key = norm_q(item["q"])
                    if key in seen_q:
                        rep.error(where, f"duplicate q (also at {seen_q[key]}): {item['q'][:60]!r}")
                    else:
                        seen_q[key] = where
            if set_name == "slack":
                check_slack_pairs(items, path.name, rep)
            data[(set_name, split)] = [it for it in items if isinstance(it, dict)]

    # Split shares and coverage of groups and principles in both halves.
    summary_rows = []
    for set_name, (groups, _) in SETS.items():
        tune, hold = data.get((set_name, "tune"), []), data.get((set_name, "holdout"), [])
        total = len(tune) + len(hold)
        if not total:
            continue
        share = len(tune) / total
        if not TUNE_SHARE[0] <= share <= TUNE_SHARE[1]:
            rep.error(set_name, f"tuning half holds {share:.0%} of items (expected about 40%)")
        for g in groups:
            gt, gh = {it.get(g) for it in tune}, {it.get(g) for it in hold}
            if gt != gh:
                rep.error(
                    set_name,
                    f"halves differ in {g} groups: only tune {sorted(gt - gh, key=str)}, "
                    f"only holdout {sorted(gh - gt, key=str)}",
                )
        pt, ph = {it.get("principle") for it in tune}, {it.get("principle") for it in hold}
        if pt != ph:
            rep.error(
                set_name, f"halves differ in principles: tune {sorted(pt)}, holdout {sorted(ph)}"
            )
        practices = {it.get("practice") for it in tune + hold if it.get("practice")}
        summary_rows.append(
            [
                set_name,
                len(tune),
                len(hold),
                total,
                f"{share:.0%}",
                len(practices) if SETS[set_name][1] else "-",
            ]
        )

    # Per-set minimums from the brief.
    def count(set_name, pred=lambda it: True):
        return sum(1 for s in SPLITS for it in data.get((set_name, s), []) if pred(it))

    minimums = {"offtopic": 170, "slack": 260, "multilingual": 200, "standards": 150}
    for set_name, n in minimums.items():
        if count(set_name) < n:
            rep.error(set_name, f"{count(set_name)} items, fewer than {n}")
    near = count("offtopic", lambda it: it.get("style") == "near-miss")
    if near < 50:
        rep.error("offtopic", f"{near} near-miss items, fewer than 50")
    for lang in sorted(LANGS):
        n = count("multilingual", lambda it, lang=lang: it.get("lang") == lang)
        ps = {
            it.get("principle")
            for s in SPLITS
            for it in data.get(("multilingual", s), [])
            if it.get("lang") == lang
        }
        if n < 25:
            rep.error("multilingual", f"lang {lang}: {n} items, fewer than 25")
        if ps != set(range(1, 11)):
            rep.error("multilingual", f"lang {lang}: principles {sorted(ps)} do not cover 1-10")
    by_source = Counter(it.get("source") for s in SPLITS for it in data.get(("standards", s), []))
    big = [s for s, n in by_source.items() if n >= MIN_PER_SOURCE]
    if len(big) < MIN_SOURCES:
        rep.error("standards", f"only {len(big)} sources with {MIN_PER_SOURCE}+ items")
    for s, n in by_source.items():
        if n < MIN_PER_SOURCE:
            rep.error("standards", f"source {s!r} has {n} items, fewer than {MIN_PER_SOURCE}")

    # ---- summary tables ----
    print(f"Seed: {args.seed} ({len(titles)} practice titles)\n")
    print(table(summary_rows, ["set", "tune", "holdout", "total", "tune%", "practices"]))
    later_rows = [later_summary(set_name, later, data.get((set_name, later), []))
                  for set_name in SETS for later in LATER if data.get((set_name, later))]
    if later_rows:
        print("\nlater files (outside the split)")
        print(table(later_rows, ["file", "items", "practices", "principles", "groups"]))
    for set_name, (groups, on_topic) in SETS.items():
        for g in groups:
            keys = sorted(
                {it.get(g) for s in SPLITS for it in data.get((set_name, s), [])}, key=str
            )
            rows = []
            for k in keys:
                t = sum(1 for it in data.get((set_name, "tune"), []) if it.get(g) == k)
                h = sum(1 for it in data.get((set_name, "holdout"), []) if it.get(g) == k)
                rows.append([k, t, h, t + h])
            print(f"\n{set_name} by {g}")
            print(table(rows, [g, "tune", "holdout", "total"]))
        if on_topic:
            rows = []
            for p in range(1, 11):
                t = sum(1 for it in data.get((set_name, "tune"), []) if it.get("principle") == p)
                h = sum(1 for it in data.get((set_name, "holdout"), []) if it.get("principle") == p)
                prs = {
                    it.get("practice")
                    for s in SPLITS
                    for it in data.get((set_name, s), [])
                    if it.get("principle") == p
                }
                rows.append([p, t, h, t + h, f"{len(prs)}/{per_principle[p]}"])
            print(f"\n{set_name} by principle")
            print(table(rows, ["principle", "tune", "holdout", "total", "practices"]))
            with_also = count(set_name, lambda it: bool(it.get("also")))
            print(f"items with also: {with_also}")

    for w in rep.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if rep.errors:
        print(f"\n{len(rep.errors)} error(s):", file=sys.stderr)
        for e in rep.errors[:200]:
            print(f"  {e}", file=sys.stderr)
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
