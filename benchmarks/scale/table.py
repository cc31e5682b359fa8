"""The scale benchmark's one table: reads per team size and database, with growth from 10k to
the largest size; then what runs through `principlebot serve`, per database."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.scale.queries import READS

GROWTH_FROM = 10_000


def size_label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def parse_sizes(value: str) -> list[int]:
    sizes = []
    for part in value.lower().split(","):
        part = part.strip()
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        number = part[:-1] if scale > 1 else part
        if not number.isdigit() or int(number) * scale < 1:
            raise ValueError(f"{part!r} is not a size like 1k, 10k, 1m or 2500")
        sizes.append(int(number) * scale)
    return sorted(set(sizes))


@dataclass
class Results:
    sizes: list[int]
    backends: list[str]
    reads: dict[tuple[str, str, int], float] = field(default_factory=dict)  # ms
    served: dict[tuple[str, str], str] = field(default_factory=dict)  # (label, backend) -> text
    served_budget: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def serve(self, label: str, backend: str, value: float | None, budget: str = "",
              digits: int = 2) -> None:
        self.served[(label, backend)] = "n/a" if value is None else f"{value:.{digits}f}"
        self.served_budget.setdefault(label, budget)


def _growth(results: Results, backend: str, key: str) -> str:
    largest = results.sizes[-1]
    base = results.reads.get((backend, key, GROWTH_FROM))
    top = results.reads.get((backend, key, largest))
    if base is None or top is None or largest == GROWTH_FROM:
        return "-"
    return f"x{top / base:.1f}"


def render(results: Results) -> list[str]:
    sizes = results.sizes
    lines = _reads(results) if results.reads else []
    if results.served:
        labels = list(dict.fromkeys(label for label, _ in results.served))
        where = ("through principlebot serve, on the " + size_label(sizes[-1]) if results.reads
                 else "through principlebot serve")
        lines += ["", f"{where:56}" + "".join(f"{b:>12}" for b in results.backends)
                  + f"{'budget':>10}"]
        for label in labels:
            cells = "".join(f"{results.served.get((label, b), '-'):>12}"
                            for b in results.backends)
            lines.append(f"{label:56}{cells}{results.served_budget[label]:>10}")
    return lines


def _reads(results: Results) -> list[str]:
    sizes = results.sizes
    head = f"{'read (ms)':32}{'database':12}" + "".join(f"{size_label(s):>9}" for s in sizes)
    growth_label = f"{size_label(sizes[-1])}/{size_label(GROWTH_FROM)}"
    lines = [head + f"{growth_label:>10}{'budget':>8}"]
    for read in READS:
        for n, backend in enumerate(results.backends):
            cells = "".join(
                f"{results.reads[(backend, read.key, s)]:9.1f}"
                if (backend, read.key, s) in results.reads else f"{'-':>9}" for s in sizes)
            budget = f"<= {read.budget_ms:.0f}" if read.budget_ms and n == 0 else ""
            lines.append(f"{read.label if n == 0 else '':32}{backend:12}{cells}"
                         f"{_growth(results, backend, read.key):>10}{budget:>8}")
    return lines
