"""第 1 章自己的生成片段：参考模型的完整运行结果、``summary()`` 输出、并排比较、偏差列表、GPU 速度与速度基准。

表格本身由通用渲染器（:mod:`adlk.site.report`）生成；这里只放第 1 章特有的几段说明，每个数都来自结果文件或代码自己的输出。
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

from adlk.ch01.experiments import REFERENCE_ROWS, table
from adlk.runs.provenance import framework_text, hardware_text, provenance_line
from adlk.site.report import ReportContext, Snippet

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
        f"{_pct(m['train_accuracy'])}%，参数 {c['parameters']:,} 个，平均每轮 "
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
        lines.append(f"| {MODEL_NAMES[name]} | {c['parameters']:,} | {c['epochs']} | {_pct(m['test_accuracy'])} "
                     f"| {book:.2f} | {tm['steady_seconds_per_epoch']:.1f} | {tm['wall_seconds'] / 60:.1f} |")
    text = "\n".join(lines) + "\n"
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
    out["gpu/speed.md"] = gpu_speed_snippet(ctx)
    out.update(bench_snippets(ctx))
    return out
