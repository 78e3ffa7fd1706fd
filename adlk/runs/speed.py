"""Side-by-side speed measurements: several models' training steps timed in one process, in rotating order.

Rows of a results table are recorded at different times, often under different loads, so their wall times do not
compare. A speed comparison on a page comes from :func:`measure_steps` instead: every candidate is built first,
then timed for a few steps in turn, round after round with the order rotated, so that a change of load during
the measurement falls on all candidates alike. Each step is timed both in wall-clock seconds and in the
process's CPU seconds (user + system, all threads), and the share of the machine that other programs used
during the measurement is recorded with it.

A chapter's ``bench.py`` declares its candidates and calls :func:`run_step_bench`; its report turns the file
into sentences with :func:`ranking` and :func:`extrapolate`, and a test compares them with the file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

StepFactory = Callable[[], Callable[[], Any]]
"""Builds a candidate (model, optimizer, a fixed batch) and returns a function that runs one training step."""


def bench_path(docs: Path, device: str, name: str) -> Path:
    """``docs/results/bench/<device>-<name>.json``."""
    return Path(docs) / "results" / "bench" / f"{device}-{name}.json"


def measure_steps(candidates: dict[str, StepFactory], steps: int = 10, warmup: int = 3, rounds: int = 3,
                  log: Callable[[str], None] | None = print) -> dict[str, Any]:
    """Time ``steps`` training steps of every candidate, ``rounds`` times, rotating the order each round.

    Args:
        candidates: name → factory (see :data:`StepFactory`).
        steps: steps per candidate per round.
        warmup: untimed steps per candidate, done twice round after all are built (tracing and compiling
            happen here).
        rounds: rounds; round ``r`` starts with candidate ``r`` (mod the number of candidates).
        log: where progress lines go (``None``: nowhere).

    Returns:
        ``{"candidates": {name: {"cpu_seconds_per_step", "wall_seconds_per_step", "rounds": [...]}}, ...}``:
        the per-step values are medians over rounds.
    """
    from adlk.runs.provenance import load_average, machine_busy_seconds

    if steps < 1 or rounds < 1 or warmup < 0:
        raise ValueError(f"steps and rounds must be at least 1 and warmup at least 0 (got {steps}, {rounds}, {warmup})")
    say = log or (lambda _msg: None)
    load_start = load_average()
    busy0, cpu0, wall0 = machine_busy_seconds(), time.process_time(), time.perf_counter()
    step_fns = {name: factory() for name, factory in candidates.items()}
    names = list(step_fns)
    # warm up after every candidate is built, twice round: the first steps of a model trace and compile it, and
    # the first round after building all of them still ran slower than the later ones
    for _ in range(2):
        for name in names:
            for _ in range(warmup):
                step_fns[name]()
    say(f"built {', '.join(names)}; {2 * warmup} warm-up steps each")
    per_round: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(steps):
                step_fns[name]()
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            per_round[name].append({"cpu": cpu / steps, "wall": wall / steps})
            say(f"round {r + 1}/{rounds} {name}: {cpu / steps:.3f} CPU s/step, {wall / steps:.3f} s/step")
    cpu_total, wall_total = time.process_time() - cpu0, time.perf_counter() - wall0
    busy1 = machine_busy_seconds()
    others = None if busy0 is None or busy1 is None else max(0.0, busy1 - busy0 - cpu_total)
    return {
        "steps": steps, "warmup": warmup, "rounds": rounds,
        "candidates": {n: {"cpu_seconds_per_step": float(np.median([x["cpu"] for x in per_round[n]])),
                           "wall_seconds_per_step": float(np.median([x["wall"] for x in per_round[n]])),
                           "rounds": per_round[n]} for n in names},
        "timing": {"wall_seconds": round(wall_total, 1), "cpu_seconds": round(cpu_total, 1),
                   **({"others_cpu_seconds": round(others, 1)} if others is not None else {}),
                   "load_average_start": load_start, "load_average_end": load_average()},
    }


def run_step_bench(name: str, candidates: dict[str, StepFactory], out: Path | None, info: dict[str, Any],
                   **kwargs: Any) -> dict[str, Any]:
    """:func:`measure_steps`, with provenance and ``info`` (what the candidates are), written atomically to ``out``."""
    from adlk.profiles import get_profile
    from adlk.runs.provenance import provenance
    from adlk.runs.results import write_json_atomic

    data = {"bench": name, **info, **measure_steps(candidates, **kwargs), "provenance": provenance(get_profile(), 0)}
    if out is not None:
        write_json_atomic(out, data)
    return data


def read_bench(path: Path) -> dict[str, Any] | None:
    """A step benchmark file, or ``None`` when it has not been recorded.

    Raises:
        ValueError: the file exists but is damaged; the message says how to redo it.
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["candidates"], data["provenance"], data["timing"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        chapter = path.stem.split("-")[1] if path.stem.count("-") >= 2 else "chNN"
        raise ValueError(f"benchmark file {path} is damaged ({exc!r}); delete it and run "
                         f"`python -m adlk bench {chapter}` again") from exc
    return data


def per_step(data: dict[str, Any], name: str, kind: str = "cpu") -> float:
    """Median seconds per step of one candidate: ``kind`` is ``"cpu"`` or ``"wall"``."""
    return data["candidates"][name][f"{kind}_seconds_per_step"]


def ranking(data: dict[str, Any], kind: str = "cpu") -> list[str]:
    """Candidate names from fastest to slowest (by median CPU seconds per step unless ``kind="wall"``)."""
    return sorted(data["candidates"], key=lambda n: per_step(data, n, kind))


def extrapolate(data: dict[str, Any], name: str, total_steps: int) -> dict[str, float]:
    """Hours for ``total_steps`` steps of ``name`` at the measured speed.

    ``cpu_hours`` is CPU time. On an otherwise idle machine with ``c`` cores, a compute-bound training's wall time
    lies between ``cpu_hours / c`` (every core busy all the time) and ``cpu_hours`` (one core busy), which is what
    ``wall_hours_low`` and ``wall_hours_high`` give; ``wall_hours_measured`` uses the wall time measured under
    the recorded load.
    """
    cores = data["provenance"].get("cpu_count") or 1
    cpu_hours = per_step(data, name, "cpu") * total_steps / 3600
    return {"cpu_hours": cpu_hours, "wall_hours_low": cpu_hours / cores, "wall_hours_high": cpu_hours,
            "wall_hours_measured": per_step(data, name, "wall") * total_steps / 3600}


def conditions(data: dict[str, Any]) -> str:
    """One Chinese sentence: where and how the measurement was made (CPU, date, steps, what else ran)."""
    from adlk.runs.provenance import hardware_text, others_share

    prov, timing = data["provenance"], data["timing"]
    share = others_share(timing, prov.get("cpu_count"))
    load = "" if share is None else f"，测量期间其他程序占用了这台机器约 {100 * share:.0f}% 的 CPU"
    source = f"results/bench/{prov.get('device', 'cpu')}-{data['bench']}.json"
    return (f"测量于 {prov['date'][:10]}，{hardware_text(prov)}，TensorFlow {prov.get('tensorflow', '?')}、"
            f"Keras {prov['keras']}：每个模型先做 {2 * data['warmup']} 步预热，再轮流计时，每轮各 {data['steps']} 步、"
            f"共 {data['rounds']} 轮（每轮换一个模型打头），取各轮每步用时的中位数{load}"
            f"（数据文件 `{source}`）。")


def steps_table(data: dict[str, Any], names: dict[str, str], baseline: str) -> str:
    """Markdown, fastest first: each candidate's median CPU and wall seconds per step and its CPU time relative to
    ``baseline``."""
    base = per_step(data, baseline)
    lines = ["| 模型 | 每步 CPU 时间（秒） | 每步墙钟时间（秒） | CPU 时间是 " + names[baseline] + " 的 |",
             "|---|---|---|---|"]
    for name in ranking(data):
        lines.append(f"| {names.get(name, name)} | {per_step(data, name):.3f} | {per_step(data, name, 'wall'):.3f} | "
                     f"{per_step(data, name) / base:.2f} 倍 |")
    return "\n".join(lines) + "\n"


def round_range(data: dict[str, Any], name: str) -> tuple[float, float]:
    """The lowest and highest CPU seconds per step of one candidate over the rounds."""
    values = [r["cpu"] for r in data["candidates"][name]["rounds"]]
    return min(values), max(values)


def separable(data: dict[str, Any], faster: str, slower: str) -> bool:
    """Whether ``faster`` was faster than ``slower`` in every round: their ranges over the rounds do not overlap."""
    return round_range(data, faster)[1] < round_range(data, slower)[0]


def ranking_sentence(data: dict[str, Any], names: dict[str, str]) -> str:
    """``按每步 CPU 时间从快到慢：A（0.129 秒）< B（…）≈ C（…）。``: ``<`` only where the two neighbours' ranges over
    the rounds do not overlap, ``≈`` where the measurement cannot tell them apart."""
    order = ranking(data)
    text = f"{names.get(order[0], order[0])}（{per_step(data, order[0]):.3f} 秒）"
    for a, b in zip(order, order[1:]):
        text += f" {'<' if separable(data, a, b) else '≈'} {names.get(b, b)}（{per_step(data, b):.3f} 秒）"
    note = "；“≈”表示两者各轮测得的值有重叠，这次测量分不出先后" if "≈" in text else ""
    return f"按每步 CPU 时间从快到慢：{text}{note}。"


def extrapolation_sentence(data: dict[str, Any], name: str, label: str, total_steps: int, what: str) -> str:
    """How long ``total_steps`` steps of ``name`` would take at the measured speed, as CPU hours and the wall-time
    range on an otherwise idle machine with the same cores."""
    from adlk.runs.provenance import LOADED_SHARE, others_share

    e = extrapolate(data, name, total_steps)
    cores = data["provenance"].get("cpu_count") or 1
    text = (f"按这次测量中 {label} 每步 {per_step(data, name):.3f} CPU 秒推算，{what}（{total_steps:,} 步，只算训练步）约需 "
            f"{e['cpu_hours']:.0f} 个 CPU 小时；")
    share = others_share(data["timing"], cores)
    if share is not None and share <= LOADED_SHARE:
        # measured on a quiet machine: its wall time per step is what a reader with the same CPU would see
        return text + (f"按同一次测得的墙钟时间（每步 {per_step(data, name, 'wall'):.3f} 秒），在这台机器上约 "
                       f"{e['wall_hours_measured']:.0f} 小时。")
    return text + (f"在同样的 {cores} 核机器上、没有别的程序时，墙钟时间在 {e['wall_hours_low']:.0f} 到 "
                   f"{e['wall_hours_high']:.0f} 小时之间（所有核一直忙时是前者，只有一个核忙时是后者）。")


def bench_cli(argv: list[str], chapter: str, doc: str, models: tuple[str, ...],
              factory: Callable[[str], StepFactory], info: dict[str, Any]) -> int:
    """The command line of a chapter's step benchmark (``python -m adlk bench chNN …``): measure ``models``
    side by side and write ``docs/results/bench/<device>-<chapter>-steps.json``."""
    import argparse

    from adlk.runs.provenance import device
    from adlk.site.figures import DOCS

    parser = argparse.ArgumentParser(prog=f"python -m adlk bench {chapter}", description=doc.splitlines()[0])
    parser.add_argument("--models", nargs="*", default=list(models), choices=list(models))
    parser.add_argument("--steps", type=int, default=10, help="timed steps per model per round (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, order rotated each round (default 3)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps after building (default 3)")
    parser.add_argument("--no-save", action="store_true", help="print only, write no result file")
    args = parser.parse_args(argv)
    name = f"{chapter}-steps"
    out = None if args.no_save else bench_path(DOCS, device(), name)
    run_step_bench(name, {m: factory(m) for m in args.models}, out, {"chapter": chapter, **info},
                   steps=args.steps, rounds=args.rounds, warmup=args.warmup)
    if out:
        print(f"[adlk] benchmark written to {out}")
    return 0
