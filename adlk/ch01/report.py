"""把结果文件变成站点上的表格、图和说明片段。

``generate_tables`` 读取 ``docs/results/<device>/<table>/row*.json``，写出
``docs/generated/ch01/*.md``（由页面用 ``--8<--`` 引入）和对比图。页面上的每个数都来自
这些结果文件或代码自己的输出，从不手写。
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from adlk.experiments import REFERENCE_ROWS, TABLES, read_result, result_path

DEVICES = ("cpu", "gpu")
TABLE_TITLES = {"mlp": "MLP（书中表 1.3.2）", "cnn": "CNN（书中表 1.4.1）", "rnn": "SimpleRNN（书中表 1.5.1）",
                "mlp-sgd": "MLP 第 6 行的 SGD 检验"}
MODEL_NAMES = {"mlp": "MLP", "cnn": "CNN", "rnn": "SimpleRNN", "mlp-sgd": "MLP（SGD 检验）"}

Results = dict[str, dict[str, dict[str, Any]]]


def load_results(results_dir: Path) -> Results:
    """读取一个设备目录下的全部结果：``{table: {row: data}}``；缺失的行不出现。"""
    found: Results = {}
    for table, rows in TABLES.items():
        for config in rows:
            path = result_path(results_dir, config)
            if path.is_file():
                found.setdefault(table, {})[config.row] = read_result(path)
    return found


def _pct(x: float) -> str:
    return f"{100 * x:.2f}"


def _hardware(prov: dict[str, Any]) -> str:
    if prov.get("gpus"):
        gpu = prov["gpus"][0]
        extra = f"，驱动 {gpu['driver']}" if gpu.get("driver") else ""
        return f"GPU {gpu['name']}{extra}（CPU {prov['cpu']}）"
    return f"CPU {prov['cpu']}（{prov['cpu_count']} 核）"


def _framework(prov: dict[str, Any]) -> str:
    backend = prov.get("backend", "tensorflow")
    name = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}.get(backend, backend)
    return f"{name} {prov.get(backend, '?')}"


def provenance_line(entries: list[dict[str, Any]]) -> str:
    """一组结果的来历，写成一句中文说明。"""
    provs = [e["provenance"] for e in entries]
    dates = sorted(p["date"][:10] for p in provs)
    first = provs[0]
    versions = sorted({f"{_framework(p)} / Keras {p['keras']}" for p in provs})
    commits = sorted({(p.get("git_commit") or "unknown")[:7] for p in provs})
    wall = sum(e["metrics"]["wall_seconds"] for e in entries)
    span = dates[0] if dates[0] == dates[-1] else f"{dates[0]} 至 {dates[-1]}"
    return (
        f"数据来源：`{first['profile']}` 档位，{_hardware(first)}，{first['os']}，"
        f"Python {first['python']}，{'、'.join(versions)}，随机种子 {first['seed']}，"
        f"运行日期 {span}，代码提交 {'、'.join(commits)}，这些行合计耗时 {wall / 60:.1f} 分钟。"
    )


def render_check_table(table: str, rows: dict[str, dict[str, Any]]) -> str:
    """检验表（如 ``mlp-sgd``）的 Markdown：同一个模型换优化器设置或轮数。"""
    out = ["| # | 优化器设置 | 轮数 | 训练 %（本站） | 测试 %（本站） | 测试 %（书中第 6 行） | 差值 | 秒/轮 |",
           "|---|---|---|---|---|---|---|---|"]
    for config in TABLES[table]:
        data = rows.get(config.row)
        if data is None:
            out.append(f"| {config.row} | `{config.optimizer}` | {config.epochs} | — | — | {config.book.test:.2f} | — | — |")
            continue
        m = data["metrics"]
        out.append(f"| {config.row} | `{config.optimizer}` | {m['epochs']} | {_pct(m['train_accuracy'])} "
                   f"| {_pct(m['test_accuracy'])} | {config.book.test:.2f} "
                   f"| {100 * m['test_accuracy'] - config.book.test:+.2f} | {m['steady_seconds_per_epoch']:.1f} |")
    text = "\n".join(out) + "\n"
    if rows:
        text += "\n" + provenance_line(list(rows.values())) + "\n"
    else:
        text += "\n尚无本站的运行记录。\n"
    return text


def render_table(table: str, rows: dict[str, dict[str, Any]]) -> str:
    """一张对比表的 Markdown：本站结果与书中数值并列。"""
    if table not in REFERENCE_ROWS:
        return render_check_table(table, rows)
    head = ("| # | 层（书中写法） | 正则化 | 优化器 | ReLU | 训练 %<br>本站 / 书中 | 测试 %<br>本站 / 书中 "
            "| 测试差值 | 秒/轮 |\n|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for config in TABLES[table]:
        b = config.book
        data = rows.get(config.row)
        if data is None:
            ours = f"— / {b.train:.2f} | — / {b.test:.2f} | — | —"
        else:
            m = data["metrics"]
            diff = 100 * m["test_accuracy"] - b.test
            flag = " ⚠" if abs(diff) > 0.5 else ""
            ours = (f"{_pct(m['train_accuracy'])} / {b.train:.2f} | **{_pct(m['test_accuracy'])}** / {b.test:.2f} "
                    f"| {diff:+.2f}{flag} | {m['steady_seconds_per_epoch']:.1f} |")
        lines.append(f"| {config.row} | {b.layers} | {b.regularizer} | {b.optimizer} | {b.relu} | {ours}".rstrip(" |")
                     + " |")
    body = head + "\n".join(lines) + "\n"
    if rows:
        missing = len(TABLES[table]) - len(rows)
        note = f"\n共 {len(rows)} 行有记录" + (f"，{missing} 行尚未运行（显示为 —）" if missing else "") + "。"
        note += "“测试差值”为本站测试准确率减去书中数值，⚠ 表示相差超过 0.5 个百分点。"
        body += note + "\n\n" + provenance_line(list(rows.values())) + "\n"
    else:
        body += "\n尚无本站的运行记录：表中只有书中数值。\n"
    return body


def plot_table(table: str, rows: dict[str, dict[str, Any]], path: Path) -> None:
    """本站与书中测试准确率的逐行对比图。"""
    import numpy as np

    from adlk.figures import plt, save, setup_style

    setup_style()
    configs = TABLES[table]
    x = np.arange(len(configs))
    book = [c.book.test for c in configs]
    ours = [100 * rows[c.row]["metrics"]["test_accuracy"] if c.row in rows else np.nan for c in configs]
    fig, ax = plt.subplots(figsize=(max(5, 0.5 * len(configs) + 2), 3.2))
    ax.bar(x - 0.2, book, width=0.4, label="书中数值", color="#9fa8da")
    ax.bar(x + 0.2, ours, width=0.4, label="本站记录", color="#3949ab")
    ax.set_xticks(x, [c.row for c in configs])
    ax.set_xlabel("行号")
    ax.set_ylabel("测试准确率 (%)")
    low = np.nanmin([*book, *ours])
    ax.set_ylim(max(0, np.floor(low) - 1), 100)
    ax.set_title(TABLE_TITLES[table])
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    save(fig, path)


def reference_snippet(table: str, rows: dict[str, dict[str, Any]]) -> str:
    """正文参考模型（书中脚本默认设置）那一次完整运行的结果说明。"""
    row = REFERENCE_ROWS[table]
    data = rows.get(row)
    name = MODEL_NAMES[table]
    if data is None:
        return (f"!!! note \"{name} 的完整运行结果\"\n\n    尚无记录。运行 `python -m adlk reproduce {table} "
                f"--only {row}` 即可得到。\n")
    m, p = data["metrics"], data["provenance"]
    total = m["wall_seconds"]
    return (
        f"!!! success \"{name} 的完整运行结果（记录于 {p['date'][:10]}）\"\n\n"
        f"    与上面代码相同的设置（对比表第 {row} 行），在全部 {m['train_samples']} 张训练图上训练 "
        f"{m['epochs']} 轮：测试准确率 **{_pct(m['test_accuracy'])}%**，最后一轮训练准确率 "
        f"{_pct(m['train_accuracy'])}%，参数 {m['parameters']:,} 个，平均每轮 "
        f"{m['steady_seconds_per_epoch']:.1f} 秒，全程 {total / 60:.1f} 分钟。\n\n"
        f"    运行环境：{_hardware(p)}，{_framework(p)}，Keras {p['keras']}，"
        f"随机种子 {p['seed']}。原始记录见 [结果文件](../results/{p['device']}/{table}/row{int(row):02d}.json)。\n"
    )


def model_summary(table: str) -> str:
    """参考模型 ``summary()`` 的输出（代码自己的输出），放进 text 代码块。"""
    import keras

    from adlk.models import BUILDERS

    keras.backend.clear_session()  # 层名从头编号（dense、dense_1……），与之前建过什么模型无关
    keras.utils.set_random_seed(0)
    model = BUILDERS[table]()
    buf = io.StringIO()
    with redirect_stdout(buf):
        model.summary(line_length=80)
    keras.backend.clear_session()
    return "```text\n" + buf.getvalue().rstrip() + "\n```\n"


def deviations_snippet(results: Results) -> str:
    """列出测试准确率与书中相差超过 0.5 个百分点的行（由结果文件生成）。"""
    lines = []
    for table in REFERENCE_ROWS:
        configs, rows = TABLES[table], results.get(table, {})
        for config in configs:
            if config.row not in rows:
                continue
            ours = 100 * rows[config.row]["metrics"]["test_accuracy"]
            diff = ours - config.book.test
            if abs(diff) > 0.5:
                b = config.book
                lines.append(f"| {MODEL_NAMES[table]} | {config.row} | {b.layers}，{b.regularizer}，{b.optimizer} "
                             f"| {ours:.2f} | {b.test:.2f} | {diff:+.2f} |")
    if not results:
        return "尚无本站的运行记录。\n"
    if not lines:
        return "所有已记录的行与书中测试准确率的差别都在 0.5 个百分点以内。\n"
    return (f"共有 {len(lines)} 行的测试准确率与书中相差超过 0.5 个百分点：\n\n"
            "| 表 | 行 | 配置 | 本站测试 % | 书中测试 % | 差值 |\n|---|---|---|---|---|---|\n"
            + "\n".join(lines) + "\n")


def gpu_speed_snippet(cpu: Results, gpu: Results) -> str:
    """三个参考模型在 GPU 与 CPU 上的每轮耗时和准确率（都来自结果文件）。"""
    if not gpu:
        return ("!!! warning \"尚无 GPU 运行记录\"\n\n    本站还没有记录过 GPU 上的完整运行，所以这里没有 GPU 的数字。"
                "准备好的脚本是仓库里的 `.ci/gpu-run`，在一台有 NVIDIA GPU 的机器上运行它，"
                "结果文件会写入 `docs/results/gpu/`，本页的表格随后由这些文件生成。\n")
    lines = ["| 模型 | CPU 秒/轮 | GPU 秒/轮 | 加速比 | CPU 测试 % | GPU 测试 % |", "|---|---|---|---|---|---|"]
    for table, row in REFERENCE_ROWS.items():
        c, g = cpu.get(table, {}).get(row), gpu.get(table, {}).get(row)
        if g is None:
            continue
        gs = g["metrics"]["steady_seconds_per_epoch"]
        cs = c["metrics"]["steady_seconds_per_epoch"] if c else None
        lines.append(f"| {MODEL_NAMES[table]}（第 {row} 行） | {f'{cs:.2f}' if cs else '—'} | {gs:.2f} "
                     f"| {f'{cs / gs:.1f}×' if cs else '—'} "
                     f"| {_pct(c['metrics']['test_accuracy']) if c else '—'} | {_pct(g['metrics']['test_accuracy'])} |")
    entries = [e for rows in gpu.values() for e in rows.values()]
    return "\n".join(lines) + "\n\n" + provenance_line(entries) + "\n"


def side_by_side_snippet(results: Results) -> str:
    """三个参考模型并排：参数个数、测试准确率、CPU 上每轮秒数（都来自结果文件）。"""
    lines = ["| 模型 | 参数个数 | 轮数 | 测试 %（本站） | 测试 %（书中） | 秒/轮（CPU） | 全程（分钟） |",
             "|---|---|---|---|---|---|---|"]
    entries = []
    for table, row in REFERENCE_ROWS.items():
        data = results.get(table, {}).get(row)
        book = next(c.book for c in TABLES[table] if c.row == row)
        if data is None:
            lines.append(f"| {MODEL_NAMES[table]} | — | — | — | {book.test:.2f} | — | — |")
            continue
        entries.append(data)
        m = data["metrics"]
        lines.append(f"| {MODEL_NAMES[table]} | {m['parameters']:,} | {m['epochs']} | {_pct(m['test_accuracy'])} "
                     f"| {book.test:.2f} | {m['steady_seconds_per_epoch']:.1f} | {m['wall_seconds'] / 60:.1f} |")
    text = "\n".join(lines) + "\n"
    return text + ("\n" + provenance_line(entries) + "\n" if entries else "\n尚无本站的运行记录。\n")


def plot_side_by_side(results: Results, path: Path) -> None:
    """三个参考模型的参数个数、测试准确率与每轮耗时，画成三幅并排的条形图。"""
    from adlk.figures import plt, save, setup_style

    setup_style()
    names, params, accs, secs = [], [], [], []
    for table, row in REFERENCE_ROWS.items():
        data = results.get(table, {}).get(row)
        if data is None:
            continue
        m = data["metrics"]
        names.append(MODEL_NAMES[table])
        params.append(m["parameters"] / 1000)
        accs.append(100 * m["test_accuracy"])
        secs.append(m["steady_seconds_per_epoch"])
    fig, axes = plt.subplots(1, 3, figsize=(9, 2.8))
    colors = ["#5c6bc0", "#26a69a", "#ef8f00"][: len(names)]
    for ax, values, title, fmt in zip(axes, (params, accs, secs), ("参数（千个）", "测试准确率 (%)", "CPU 秒/轮"),
                                      ("{:.0f}", "{:.2f}", "{:.1f}")):
        bars = ax.bar(names, values, color=colors)
        ax.set_title(title, fontsize=10)
        for bar, v in zip(bars, values):
            ax.annotate(fmt.format(v), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    if accs:
        axes[1].set_ylim(min(accs) - 1, 100)
    if not names:
        fig.suptitle("尚无运行记录")
    fig.tight_layout()
    save(fig, path)


SNIPPETS: dict[str, Callable[[Results], str]] = {"ch01/deviations.md": deviations_snippet,
                                                 "ch01/side-by-side.md": side_by_side_snippet}
"""其他由代码生成的片段：名称 → 函数（参数为 CPU 结果）。"""


def generate_tables(results_root: Path, out_dir: Path, figures_dir: Path) -> list[Path]:
    """生成全部表格片段、说明片段与对比图，返回写出的文件。"""
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    cpu = load_results(Path(results_root) / "cpu")
    gpu = load_results(Path(results_root) / "gpu")
    for table in TABLES:
        rows = cpu.get(table, {})
        write(out_dir / "ch01" / f"table-{table}.md", render_table(table, rows))
        write(out_dir / "gpu" / f"table-{table}.md", render_table(table, gpu.get(table, {})))
        if table not in REFERENCE_ROWS:
            continue
        write(out_dir / "ch01" / f"reference-{table}.md", reference_snippet(table, rows))
        write(out_dir / "ch01" / f"summary-{table}.md", model_summary(table))
        fig_path = figures_dir / "ch01" / f"table-{table}.png"
        plot_table(table, rows, fig_path)
        written.append(fig_path)
    for name, fn in SNIPPETS.items():
        write(out_dir / name, fn(cpu))
    plot_side_by_side(cpu, figures_dir / "ch01" / "side-by-side.png")
    written.append(figures_dir / "ch01" / "side-by-side.png")
    write(out_dir / "gpu" / "speed.md", gpu_speed_snippet(cpu, gpu))
    from adlk.bench import render_benchmark

    bench_dir = Path(results_root) / "bench"
    names = {*DEVICES, *(p.stem for p in bench_dir.glob("*.json"))}
    for name in sorted(names):
        bench_file = bench_dir / f"{name}.json"
        bench = json.loads(bench_file.read_text(encoding="utf-8")) if bench_file.is_file() else None
        write(out_dir / "bench" / f"{name}.md", render_benchmark(bench))
    return written


def table_figures() -> list[str]:
    """对比表管线生成的图片名（相对 ``docs/figures``）。"""
    return [f"ch01/table-{t}.png" for t in REFERENCE_ROWS] + ["ch01/side-by-side.png"]


