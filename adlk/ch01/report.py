"""第 1 章自己的生成片段：参考模型的完整运行结果、``summary()`` 输出、并排比较、偏差列表、GPU 速度与速度基准。

表格本身由通用渲染器（:mod:`adlk.site.report`）生成；这里只放第 1 章特有的几段说明，每个数都来自结果文件或代码自己的输出。
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

from adlk.ch01.experiments import REFERENCE_ROWS, table
from adlk.runs.provenance import framework_text, hardware_text, provenance_line, under_load
from adlk.site.report import LOADED_MARK, ReportContext, Snippet, loaded_note, spaced

MODEL_NAMES = {"mlp": "MLP", "cnn": "CNN", "rnn": "SimpleRNN", "mlp-sgd": "MLP（SGD 检验）"}


def _pct(x: float) -> str:
    return f"{100 * x:.2f}"


def reference_snippet(name: str, data: dict[str, Any] | None) -> str:
    """正文参考模型（书中脚本默认设置）那一次完整运行的结果说明。"""
    row = REFERENCE_ROWS[name]
    label = MODEL_NAMES[name]
    if data is None:
        return (f"!!! note \"{label} 的完整运行结果\"\n\n    尚无记录。运行 `python -m adlk reproduce ch01/{name} "
                f"--only {row}` 即可得到。\n")
    m, c, t, p = data["metrics"], data["counts"], data["timing"], data["provenance"]
    stem = table(name).run(row).file_stem
    return (
        f"!!! success \"{label} 的完整运行结果（记录于 {p['date'][:10]}）\"\n\n"
        f"    与上面代码相同的设置（对比表第 {row} 行），在全部 {c['train_samples']:,} 张训练图上训练 "
        f"{c['epochs']} 轮：测试准确率 **{_pct(m['test_accuracy'])}%**，最后一轮训练准确率 "
        f"{_pct(m['train_accuracy'])}%，参数 {c['parameters']:,} 个，去掉第 1 轮（含编译）后平均每轮 "
        f"{t['steady_seconds_per_epoch']:.1f} 秒，全程 {t['wall_seconds'] / 60:.1f} 分钟。\n\n"
        f"    运行环境：{hardware_text(p)}，{framework_text(p)}，Keras {p['keras']}，"
        f"随机种子 {p['seed']}。原始记录见 [结果文件](../results/{p['device']}/ch01/{name}/{stem}.json)。\n"
    )


def model_summary(name: str) -> str:
    """参考模型 ``summary()`` 的输出（代码自己的输出），放进 text 代码块。"""
    import keras

    from adlk.ch01.models import BUILDERS

    keras.backend.clear_session()  # 层名从头编号（dense、dense_1……），与之前建过什么模型无关
    keras.utils.set_random_seed(0)
    model = BUILDERS[name]()
    buf = io.StringIO()
    with redirect_stdout(buf):
        model.summary(line_length=80)
    keras.backend.clear_session()
    return "```text\n" + buf.getvalue().rstrip() + "\n```\n"


def deviations_snippet(ctx: ReportContext) -> Snippet:
    """列出测试准确率与书中相差超过容差的行（由结果文件生成）。"""
    lines, uses = [], []
    for name in REFERENCE_ROWS:
        t = table(name)
        metric = t.primary_metric()
        for run in t.runs:
            data = ctx.result(t.id, run.row)
            if data is None:
                continue
            uses.append((t.id, run.row))
            ours = metric.scale * data["metrics"][metric.key]
            diff = ours - run.book[metric.key]
            if abs(diff) > metric.tolerance:
                s = run.show
                lines.append(f"| {MODEL_NAMES[name]} | {run.row} | {s['层（书中写法）']}，{s['正则化']}，{s['优化器']} "
                             f"| {ours:.2f} | {run.book[metric.key]:.2f} | {diff:+.2f} |")
    if not uses:
        return Snippet("尚无本站的运行记录。\n")
    if not lines:
        return Snippet("所有已记录的行与书中测试准确率的差别都在 0.5 个百分点以内。\n", uses)
    return Snippet(f"共有 {len(lines)} 行的测试准确率与书中相差超过 0.5 个百分点：\n\n"
                   "| 表 | 行 | 配置 | 本站测试 % | 书中测试 % | 差值 |\n|---|---|---|---|---|---|\n"
                   + "\n".join(lines) + "\n", uses)


WIDTH_GROUPS = (("5", "11", "13"), ("6", "9", "12"))
"""MLP 表中同为 SGD、同一 Dropout 比例、只有层宽不同的两组行（由窄到宽）。"""
L2_ROW, DROPOUT_ROWS = "2", ("5", "6", "7", "8")
"""MLP 表中同为 SGD、256 单元的 L2(0.001) 行与各 Dropout 行。"""


def _test_pct(data: dict[str, Any]) -> float:
    return 100 * data["metrics"]["test_accuracy"]


def _direction(gains: list[float]) -> str:
    if all(g > 0 for g in gains):
        return "都提高了测试准确率"
    if all(g <= 0 for g in gains):
        return "都没有提高测试准确率"
    return "有的提高、有的没有提高测试准确率"


def width_snippet(ctx: ReportContext) -> Snippet:
    """同为 SGD、同一 Dropout 比例时加宽隐藏层的效果：书中与本站的数值并列，结论由数值得出。"""
    t = table("mlp")
    rows = [r for group in WIDTH_GROUPS for r in group]
    data = {r: ctx.result(t.id, r) for r in rows}
    if any(d is None for d in data.values()):
        return Snippet("本站还没有记录这几行（MLP 表第 " + "、".join(rows) + " 行）。\n")
    lines = ["| Dropout 比例 | 行 | 层（书中写法） | 书中测试 % | 本站测试 % |", "|---|---|---|---|---|"]
    book_gain, our_gain = [], []
    for group in WIDTH_GROUPS:
        narrow, wide = group[0], group[-1]
        book_gain.append(t.run(wide).book["test_accuracy"] - t.run(narrow).book["test_accuracy"])
        our_gain.append(_test_pct(data[wide]) - _test_pct(data[narrow]))
        for r in group:
            run = t.run(r)
            lines.append(f"| {run.params['build']['dropout']:g} | {r} | {run.show['层（书中写法）']} "
                         f"| {run.book['test_accuracy']:.1f} | {_test_pct(data[r]):.2f} |")
    pairs = "、".join(f"第 {g[-1]} 行比第 {g[0]} 行" for g in WIDTH_GROUPS)
    text = ("\n".join(lines) + "\n\n"
            f"- **书中的数值：**{pairs}分别相差 " + "、".join(f"{g:+.1f}" for g in book_gain) + " 个百分点（宽减窄），"
            f"加宽{_direction(book_gain)}。\n"
            f"- **本站的记录：**{pairs}分别相差 " + "、".join(f"{g:+.2f}" for g in our_gain) + " 个百分点（宽减窄），"
            f"加宽{_direction(our_gain)}。\n")
    return Snippet(text, [(t.id, r) for r in rows])


def dropout_l2_snippet(ctx: ReportContext) -> Snippet:
    """同为 SGD 的 L2(0.001) 行与各 Dropout 行：书中与本站谁更好，由数值得出。"""
    t = table("mlp")
    rows = (L2_ROW, *DROPOUT_ROWS)
    data = {r: ctx.result(t.id, r) for r in rows}
    if any(d is None for d in data.values()):
        return Snippet("本站还没有记录这几行（MLP 表第 " + "、".join(rows) + " 行）。\n")

    def verdict(l2: float, best: float, digits: int) -> str:
        if abs(l2 - best) < 0.5 * 10 ** -digits:
            return "与最好的 Dropout 行相同"
        word = "高" if l2 > best else "低"
        return f"比最好的 Dropout 行{word} {abs(l2 - best):.{digits}f} 个百分点"

    book = {r: t.run(r).book["test_accuracy"] for r in rows}
    ours = {r: _test_pct(data[r]) for r in rows}
    lo, hi = DROPOUT_ROWS[0], DROPOUT_ROWS[-1]
    text = (f"- **书中的数值：**L2(0.001)（第 {L2_ROW} 行）测试准确率 {book[L2_ROW]:.1f}%，"
            f"Dropout 各行（第 {lo}～{hi} 行）{min(book[r] for r in DROPOUT_ROWS):.1f}%～"
            f"{max(book[r] for r in DROPOUT_ROWS):.1f}%，L2 行{verdict(book[L2_ROW], max(book[r] for r in DROPOUT_ROWS), 1)}。\n"
            f"- **本站的记录：**L2(0.001) {ours[L2_ROW]:.2f}%，Dropout 各行 {min(ours[r] for r in DROPOUT_ROWS):.2f}%～"
            f"{max(ours[r] for r in DROPOUT_ROWS):.2f}%，L2 行{verdict(ours[L2_ROW], max(ours[r] for r in DROPOUT_ROWS), 2)}。\n")
    return Snippet(text, [(t.id, r) for r in rows])


def _steady_epochs(data: dict[str, Any]) -> list[float]:
    """一行的逐轮秒数，去掉第 1 轮（含编译）。"""
    return list(data["timing"].get("seconds_per_epoch", []))[1:]


def timing_note_snippet(ctx: ReportContext) -> Snippet:
    """1.7 节关于“秒/轮”的说明：各表记录时的机器负载、同一行内与同一模型各行之间的耗时差别，都来自结果文件。"""
    parts, uses, loaded = [], [], []
    machines: set[str] = set()
    days: set[str] = set()
    widest: tuple[float, str, int, float, float] | None = None
    same_model: tuple[float, str, list[str], list[float]] | None = None
    for name in ("mlp", "mlp-sgd", "cnn", "rnn"):
        t = table(name)
        label = MODEL_NAMES[name]
        found = {r.row: ctx.result(t.id, r.row) for r in t.runs}
        found = {r: d for r, d in found.items() if d is not None}
        if not found:
            continue
        uses += [(t.id, r) for r in found]
        loads = {r: d["provenance"].get("load_average") for r, d in found.items()}
        known = {r: la[0] for r, la in loads.items() if la}
        for r, d in found.items():
            machines.add(d["provenance"]["os"])
            days.add(d["provenance"]["date"][:10])
            if under_load(d):
                loaded.append(spaced("", label, f"第 {r} 行"))
            epochs = _steady_epochs(d)
            if len(epochs) >= 2 and (widest is None or max(epochs) / min(epochs) > widest[0]):
                widest = (max(epochs) / min(epochs), label, int(r), min(epochs), max(epochs))
        if known:
            parts.append(spaced("", label, f"表 {min(known.values()):.1f}～{max(known.values()):.1f}"))
        groups: dict[str, list[str]] = {}
        for r in found:
            p = t.run(r).params
            groups.setdefault(json.dumps([p["model"], p["build"], p["epochs"]], sort_keys=True), []).append(r)
        for rs in groups.values():
            secs = [found[r]["timing"]["steady_seconds_per_epoch"] for r in rs]
            if len(rs) >= 2 and (same_model is None or max(secs) / min(secs) > same_model[0]):
                same_model = (max(secs) / min(secs), label, rs, secs)
    if not uses:
        return Snippet("!!! warning \"关于“秒/轮”一列\"\n\n    尚无本站的运行记录。\n")
    cores = sorted({ctx.result(tid, r)["provenance"].get("cpu_count") for tid, r in uses})
    text = ("!!! warning \"关于“秒/轮”一列\"\n\n"
            f"    “秒/轮”是去掉第 1 轮（含编译）之后各轮的平均秒数。各行是在 {len(machines)} 种内核版本的 "
            f"{'、'.join(map(str, cores))} 核虚拟机上、分 {len(days)} 天依次训练的，各行训练时机器的负载并不相同："
            f"结果文件在每行结束时记下的 1 分钟平均负载，{'，'.join(parts)}。")
    if loaded:
        text += f"表中标 {LOADED_MARK} 的是记录时另有程序争用 CPU 的行：{'、'.join(loaded)}。"
    if widest:
        ratio, label, row, lo, hi = widest
        text += spaced("同一行里各轮的耗时也会变：波动最大的是", label,
                       f"第 {row} 行，{lo:.1f}～{hi:.1f} 秒（相差 {ratio:.1f} 倍）。")
    if same_model:
        ratio, label, rs, secs = same_model
        text += spaced("模型与轮数都相同、只有优化器不同的", label,
                       f"第 {'、'.join(rs)} 行，“秒/轮”分别是 {'、'.join(f'{s:.1f}' for s in secs)}"
                       f"（相差 {ratio:.1f} 倍）。")
    text += ("\n\n    所以这一列只记下了每行那次运行实际花的时间，**不能用来比较不同行、不同优化器或不同模型的速度**。"
             "要比较速度，请看[运行速度](../benchmarks.md)一页：那里的几种做法是在同一次运行里并排测的。\n")
    return Snippet(text, uses)


def side_by_side_snippet(ctx: ReportContext) -> Snippet:
    """三个参考模型并排：参数个数、测试准确率、CPU 上每轮秒数（都来自结果文件）。"""
    lines = ["| 模型 | 参数个数 | 轮数 | 测试 %（本站） | 测试 %（书中） | 秒/轮（CPU） | 全程（分钟） |",
             "|---|---|---|---|---|---|---|"]
    entries, uses = [], []
    for name, row in REFERENCE_ROWS.items():
        t = table(name)
        data = ctx.result(t.id, row)
        book = t.run(row).book["test_accuracy"]
        if data is None:
            lines.append(f"| {MODEL_NAMES[name]} | — | — | — | {book:.2f} | — | — |")
            continue
        entries.append(data)
        uses.append((t.id, row))
        m, c, tm = data["metrics"], data["counts"], data["timing"]
        mark = LOADED_MARK if under_load(data) else ""
        lines.append(f"| {MODEL_NAMES[name]} | {c['parameters']:,} | {c['epochs']} | {_pct(m['test_accuracy'])} "
                     f"| {book:.2f} | {tm['steady_seconds_per_epoch']:.1f}{mark} | {tm['wall_seconds'] / 60:.1f}{mark} |")
    text = "\n".join(lines) + "\n"
    if entries:
        text += ("\n三行是在不同时间记录的，“秒/轮”与“全程”只说明那一次运行花了多久，不能用来比较三种网络的快慢"
                 "（同一次运行里并排测得的速度见[运行速度](../benchmarks.md)）。" + loaded_note(entries) + "\n")
    return Snippet(text + ("\n" + provenance_line(entries) + "\n" if entries else "\n尚无本站的运行记录。\n"), uses)


def gpu_speed_snippet(ctx: ReportContext) -> Snippet:
    """三个参考模型在 GPU 与 CPU 上的每轮耗时和准确率（都来自结果文件）。"""
    if not ctx.gpu:
        return Snippet("!!! warning \"尚无 GPU 运行记录\"\n\n    本站还没有记录过 GPU 上的完整运行，所以这里没有 GPU 的数字。"
                       "准备好的脚本是仓库里的 `.ci/gpu-run`，在一台有 NVIDIA GPU 的机器上运行它，"
                       "结果文件会写入 `docs/results/gpu/`，本页的表格随后由这些文件生成。\n")
    lines = ["| 模型 | CPU 秒/轮 | GPU 秒/轮 | 加速比 | CPU 测试 % | GPU 测试 % |", "|---|---|---|---|---|---|"]
    entries = []
    for name, row in REFERENCE_ROWS.items():
        tid = f"ch01/{name}"
        c, g = ctx.result(tid, row), ctx.result(tid, row, "gpu")
        if g is None:
            continue
        entries.append(g)
        gs = g["timing"]["steady_seconds_per_epoch"]
        cs = c["timing"]["steady_seconds_per_epoch"] if c else None
        lines.append(f"| {MODEL_NAMES[name]}（第 {row} 行） | {f'{cs:.2f}' if cs else '—'} | {gs:.2f} "
                     f"| {f'{cs / gs:.1f}×' if cs else '—'} "
                     f"| {_pct(c['metrics']['test_accuracy']) if c else '—'} | {_pct(g['metrics']['test_accuracy'])} |")
    return Snippet("\n".join(lines) + "\n\n" + provenance_line(entries) + "\n")


def bench_snippets(ctx: ReportContext) -> dict[str, Snippet]:
    """速度基准的表格：``docs/results/bench/<名称>.json`` 各一段。"""
    from adlk.ch01.bench import render_benchmark

    bench_dir = ctx.docs / "results" / "bench"
    # 其他章的每步用时测量（<设备>-chNN-steps.json）由那一章的报告生成
    names = {"cpu", "gpu", *(p.stem for p in bench_dir.glob("*.json") if not p.stem.endswith("-steps"))}
    out = {}
    for name in sorted(names):
        file = bench_dir / f"{name}.json"
        data = json.loads(file.read_text(encoding="utf-8")) if file.is_file() else None
        out[f"bench/{name}.md"] = Snippet(render_benchmark(data))
    return out


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 1 章页面经 ``--8<--`` 引入的全部特有片段。"""
    out: dict[str, Snippet | str] = {}
    for name, row in REFERENCE_ROWS.items():
        data = ctx.result(f"ch01/{name}", row)
        out[f"ch01/reference-{name}.md"] = Snippet(reference_snippet(name, data),
                                                   [(f"ch01/{name}", row)] if data else [])
        out[f"ch01/summary-{name}.md"] = model_summary(name)
    out["ch01/deviations.md"] = deviations_snippet(ctx)
    out["ch01/side-by-side.md"] = side_by_side_snippet(ctx)
    out["ch01/mlp-width.md"] = width_snippet(ctx)
    out["ch01/dropout-vs-l2.md"] = dropout_l2_snippet(ctx)
    out["ch01/timing-note.md"] = timing_note_snippet(ctx)
    out["gpu/speed.md"] = gpu_speed_snippet(ctx)
    out.update(bench_snippets(ctx))
    return out
