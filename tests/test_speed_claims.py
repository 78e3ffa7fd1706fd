"""Speed claims on the pages: generated from one side-by-side measurement, and in agreement with it.

Every chapter snippet that states a time per step, a ranking by speed, a ratio of speeds or an extrapolation
to the book's length names the benchmark file it comes from; this test reads that file and recomputes every
number of the sentence. Hand-typed durations and speed rankings in the pages' own prose fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adlk.runs import speed
from adlk.runs.provenance import LOADED_SHARE, others_share
from adlk.runs.registry import chapter_module, chapters
from adlk.site.report import ReportContext, load_results

DOCS = Path(__file__).resolve().parent.parent / "docs"
CITED = re.compile(r"数据文件 `(results/bench/[\w.-]+\.json)`")


def _speed_snippets() -> list[tuple[str, str]]:
    ctx = ReportContext(cpu=load_results(DOCS / "results" / "cpu"), gpu=load_results(DOCS / "results" / "gpu"),
                        docs=DOCS)
    found = []
    for ch in chapters():
        module = chapter_module(ch, "report")
        if module is None or not hasattr(module, "snippets"):
            continue
        for name, snippet in module.snippets(ctx).items():
            text = snippet if isinstance(snippet, str) else snippet.text
            if "CPU 秒" in text or "CPU 时间" in text:
                found.append((name, text))
    return found


SNIPPETS = _speed_snippets()


def test_speed_snippets_exist_for_the_chapters_that_compare_speed():
    names = {name for name, _ in SNIPPETS}
    assert {"ch02/speed.md", "ch05/speed.md", "ch04/book-length.md"} <= names


@pytest.mark.parametrize("name,text", SNIPPETS, ids=[n for n, _ in SNIPPETS])
def test_speed_sentence_agrees_with_the_measurement_it_cites(name, text):
    cited = CITED.findall(text)
    assert cited, f"{name} states speeds without naming the measurement it comes from"
    data = speed.read_bench(DOCS / cited[0])
    assert data is not None, f"{name} cites {cited[0]}, which does not exist"
    cpu = {n: round(speed.per_step(data, n), 3) for n in data["candidates"]}
    wall = {n: round(speed.per_step(data, n, "wall"), 3) for n in data["candidates"]}
    by_cpu = {v: n for n, v in cpu.items()}
    by_pair = {(cpu[n], wall[n]): n for n in cpu}

    # the table: CPU and wall seconds per step, and the ratio to the first row's baseline
    rows = re.findall(r"^\| (.+?) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) 倍 \|$", text, flags=re.M)
    assert len(rows) == len(data["candidates"]) or not rows
    base = None
    for label, c, w, ratio in rows:
        key = by_pair.get((float(c), float(w)))
        assert key is not None, f"{label}: {c} CPU s/step and {w} s/step are not one candidate of {cited[0]}"
        if float(ratio) == 1.0 and base is None:
            base = key
    for label, c, w, ratio in rows:
        key = by_pair[(float(c), float(w))]
        assert float(ratio) == pytest.approx(speed.per_step(data, key) / speed.per_step(data, base), abs=0.006), label

    # the ranking: fastest first, each value the file's
    for seq in re.findall(r"按每步 CPU 时间从快到慢：(.+?)。", text):
        values = [float(v) for v in re.findall(r"（([\d.]+) 秒）", seq)]
        assert values == sorted(values) and len(values) == len(cpu), seq
        assert sorted(values) == sorted(cpu.values()), seq
        # "<" only where every round agrees (the two ranges do not overlap), "≈" otherwise
        signs = re.findall(r"秒） ([<≈]) ", seq)
        order = speed.ranking(data)
        assert values == [cpu[k] for k in order], seq
        for a, b, sign in zip(order, order[1:], signs):
            assert (sign == "<") == speed.separable(data, a, b), f"{a} {sign} {b}"

    # a ratio between two models: "X 的一步（…）用的 CPU 时间是 Y 一步的 R 倍"
    for a, b, r in re.findall(r"(?<![A-Za-z])([A-Za-z][\w-]*) 的一步（[^）]*）用的 CPU 时间是 ([A-Za-z][\w-]*) 一步的 ([\d.]+) 倍", text):
        keys = {k.lower(): k for k in data["candidates"]}
        ka, kb = keys.get(a.lower()), keys.get(b.lower())
        assert ka and kb, f"cannot find {a} or {b} in {cited[0]}"
        assert float(r) == pytest.approx(speed.per_step(data, ka) / speed.per_step(data, kb), abs=0.051)

    # an extrapolation: per-step CPU seconds × steps = CPU hours; the wall range divides by the cores
    for c, steps, hours, low, high in re.findall(
            r"每步 ([\d.]+) CPU 秒推算，.*?（([\d,]+) 步[^）]*）约需 (\d+) 个 CPU 小时.*?墙钟时间在 (\d+) 到 (\d+) 小时", text):
        key = by_cpu.get(float(c))
        assert key is not None, f"{c} CPU s/step is not in {cited[0]}"
        e = speed.extrapolate(data, key, int(steps.replace(",", "")))
        assert (int(hours), int(low), int(high)) == (round(e["cpu_hours"]), round(e["wall_hours_low"]),
                                                     round(e["wall_hours_high"]))
    for c, steps, hours, w, wall_hours in re.findall(
            r"每步 ([\d.]+) CPU 秒推算，.*?（([\d,]+) 步[^）]*）约需 (\d+) 个 CPU 小时；按同一次测得的墙钟时间（每步 ([\d.]+) 秒），"
            r"在这台机器上约 (\d+) 小时", text):
        key = by_cpu.get(float(c))
        assert key is not None and float(w) == wall[key], f"{c} / {w} s/step are not {cited[0]}'s"
        assert others_share(data["timing"], data["provenance"]["cpu_count"]) <= LOADED_SHARE, \
            "a measured wall time is extrapolated only from a quiet measurement"
        e = speed.extrapolate(data, key, int(steps.replace(",", "")))
        assert (int(hours), int(wall_hours)) == (round(e["cpu_hours"]), round(e["wall_hours_measured"]))


HAND_TYPED = re.compile(r"(好几|几十|十几|数十|几|上百)个?(小时|天)|约需|最快|最慢|(快|慢)了?\s*[\d.]+\s*倍")


def _prose_lines():
    for page in sorted(DOCS.rglob("*.md")):
        rel = page.relative_to(DOCS)
        if rel.parts[0] in ("generated", "notebooks"):
            continue
        in_code = False
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("```"):
                in_code = not in_code
                continue
            if not in_code:
                yield f"{rel}:{number}", line


def test_no_hand_typed_durations_or_speed_rankings_in_prose():
    """Durations, rankings and ratios of speed come from a measurement (generated), or are the book's own."""
    bad = [f"{where}: {line.strip()[:120]}" for where, line in _prose_lines()
           if HAND_TYPED.search(line) and "书中" not in line]
    assert not bad, "hand-typed speed statements (generate them from `python -m adlk bench`):\n" + "\n".join(bad)
