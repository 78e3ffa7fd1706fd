"""第 2 章由结果文件生成的文字片段：MNIST 两个模型的小结，以及深度网络短跑表能说明什么。

片段里的每个数和每个比较（“高于”“低于”）都由结果文件算出；页面只写这些片段支持的结论。
"""

from __future__ import annotations

from typing import Any

from adlk.site.report import spaced

DEEP_ROWS = ("resnet20v1", "resnet32v1", "resnet56v1", "resnet20v2", "densenet-bc-40")
NAMES = {"resnet20v1": "ResNet20 v1", "resnet32v1": "ResNet32 v1", "resnet56v1": "ResNet56 v1",
         "resnet20v2": "ResNet20 v2", "densenet-bc-40": "DenseNet-BC-40", "cnn": "函数式 CNN",
         "y-network": "Y 形网络"}


def _rows(results: Any, table_id: str) -> dict[str, dict[str, Any]]:
    """``results`` 可以是 ``{表: {行: 结果}}``，也可以是带 ``cpu`` 属性的报告上下文。"""
    mapping = getattr(results, "cpu", results)
    return dict(mapping.get(table_id, {}))


def _pct(r: dict[str, Any], key: str = "test_accuracy") -> float:
    return 100 * r["metrics"][key]


def compare(a: float, b: float, margin: float = 0.0) -> str:
    """``a`` 比 ``b``：“高”“低”，或在 ``margin`` 个百分点之内时“相当”。"""
    if abs(a - b) <= margin:
        return "相当"
    return "高" if a > b else "低"


NOISE = 0.5
"""短跑结果里小于这么多个百分点的差别，只说“相当”：单个种子、几轮训练，差别在这个量级上并不可靠。"""


def deep_findings(rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """深度网络短跑表的几个结论（供片段与测试共用）。缺行时对应的结论为 ``None``。"""
    acc = {r: _pct(rows[r]) for r in DEEP_ROWS if r in rows}
    out: dict[str, Any] = {"acc": acc}
    depth = [r for r in ("resnet20v1", "resnet32v1", "resnet56v1") if r in acc]
    # 每一步都要高出 NOISE 以上才算“随深度上升”；相差在 NOISE 之内的相邻两行只说“相当”
    out["depth_steps"] = [(a, b, compare(acc[b], acc[a], NOISE)) for a, b in zip(depth, depth[1:])]
    out["depth_monotonic"] = (all(w == "高" for *_, w in out["depth_steps"]) if len(depth) == 3 else None)
    out["depth_best"] = max(depth, key=acc.get) if depth else None
    out["v2_vs_v1"] = (compare(acc["resnet20v2"], acc["resnet20v1"], NOISE)
                       if {"resnet20v2", "resnet20v1"} <= acc.keys() else None)
    out["dense_vs_r20"] = (compare(acc["densenet-bc-40"], acc["resnet20v1"], NOISE)
                           if {"densenet-bc-40", "resnet20v1"} <= acc.keys() else None)
    gaps = {r: _pct(rows[r], "train_eval_accuracy") - acc[r] for r in acc if "train_eval_accuracy" in rows[r]["metrics"]}
    out["gaps"] = gaps
    out["best"] = max(acc, key=acc.get) if acc else None
    return out


def _mnist_summary(rows: dict[str, dict[str, Any]]) -> str:
    if not rows:
        return "尚无本站的记录运行（`python -m adlk reproduce ch02/mnist`）。\n"
    parts = []
    for row, book in (("cnn", "书中 20 轮约 99.3%"), ("y-network", "书中 20 轮 99.4%～99.5%")):
        r = rows.get(row)
        if r is None:
            continue
        spe = r.get("timing", {}).get("seconds_per_epoch") or [0.0]
        parts.append(spaced("", NAMES[row], "训练") + f" {r['counts']['epochs']} 轮（批大小 {r['counts']['batch_size']}），测试准确率 "
                     f"{_pct(r):.2f}%（{book}），每轮约 {sum(spe) / len(spe):.0f} 秒")
    text = "本站记录：" + "；".join(parts) + "。"
    if {"cnn", "y-network"} <= rows.keys():
        a, b = _pct(rows["y-network"]), _pct(rows["cnn"])
        word = compare(a, b, 0.1)
        if word == "相当":
            text += "在这次记录中，Y 形网络与函数式 CNN 的测试准确率相差不到 0.1 个百分点。"
        else:
            text += (f"在这次记录中，Y 形网络的测试准确率{'高于' if word == '高' else '低于'}函数式 CNN，"
                     f"相差 {abs(a - b):.2f} 个百分点。")
    return text + "\n"


def _deep_summary(rows: dict[str, dict[str, Any]]) -> str:
    if not rows:
        return "尚无本站的记录运行（`python -m adlk reproduce ch02/deep`）。\n"
    f = deep_findings(rows)
    acc = f["acc"]
    any_row = next(iter(rows.values()))
    c = any_row["counts"]
    lines = [f"- **预算**：每一行都用替代数据集中的 {c['train_samples']:,} 张训练图（每类相同张数）、训练 {c['epochs']} 轮、"
             f"批大小 {c['batch_size']}，在 {c['test_samples']:,} 张测试图（每类相同张数）上评估；单个随机种子。"]
    depth = [r for r in ("resnet20v1", "resnet32v1", "resnet56v1") if r in acc]
    if len(depth) >= 2:
        seq = "、".join(f"{acc[r]:.2f}%" for r in depth)
        steps = "；".join(
            spaced("", NAMES[b], f"与 {NAMES[a]} 相当（相差 {abs(acc[b] - acc[a]):.2f} 个百分点）") if w == "相当" else
            spaced("", NAMES[b], f"{'高于' if w == '高' else '低于'} {NAMES[a]} {abs(acc[b] - acc[a]):.2f} 个百分点")
            for a, b, w in f["depth_steps"])
        verdict = (("随深度单调上升（每一步都高出 0.5 个百分点以上）" if f["depth_monotonic"] else
                    f"不能说随深度单调上升：{steps}，最高的是 {NAMES[f['depth_best']]}") if len(depth) == 3 else "")
        lines.append(f"- **深度**：{'、'.join(NAMES[r] for r in depth)} 的测试准确率依次为 {seq}" +
                     (f"，{verdict}" if verdict else "") + "。")
    if f["v2_vs_v1"] is not None:
        a, b = acc["resnet20v2"], acc["resnet20v1"]
        word = {"高": "高于", "低": "低于", "相当": "与"}[f["v2_vs_v1"]]
        p2, p1 = rows["resnet20v2"]["counts"]["parameters"], rows["resnet20v1"]["counts"]["parameters"]
        lines.append(f"- **v1 与 v2**：同为 20 层，ResNet20 v2 的测试准确率（{a:.2f}%）{word} v1（{b:.2f}%）" +
                     ("相当（相差不到 0.5 个百分点）" if word == "与" else "") +
                     f"；v2 的参数是 v1 的 {p2 / p1:.1f} 倍。")
    if f["dense_vs_r20"] is not None:
        a, b = acc["densenet-bc-40"], acc["resnet20v1"]
        word = {"高": "高于", "低": "低于", "相当": "与"}[f["dense_vs_r20"]]
        pd, pr = rows["densenet-bc-40"]["counts"]["parameters"], rows["resnet20v1"]["counts"]["parameters"]
        lines.append(f"- **DenseNet**：DenseNet-BC-40（{pd:,} 个参数）的测试准确率 {a:.2f}% {word} ResNet20 v1"
                     f"（{pr:,} 个参数，{b:.2f}%）" + ("相当" if word == "与" else "") + "。")
    if f["gaps"]:
        big = max(f["gaps"], key=f["gaps"].get)
        small = min(f["gaps"], key=f["gaps"].get)
        lines.append(f"- **训练与测试**：训练子集上（每类 100 张，不做增强）的准确率减去测试准确率，最大的是 {NAMES[big]}"
                     f"（{f['gaps'][big]:+.2f} 个百分点），最小的是 {NAMES[small]}（{f['gaps'][small]:+.2f}）。")
    lines.append("- **用时**：表中各行是在不同时间、不同负载下记录的，用时不能相互比较；"
                 "各模型的相对速度见下面同一次测量的每步用时。")
    return "\n".join(lines) + "\n"


def speed(bench: dict[str, Any] | None) -> str:
    """deep 表五个模型的每步用时（同一次测量，:mod:`adlk.ch02.bench`）与由它推算的书中 200 轮的时长。"""
    from adlk.ch02.bench import BOOK_EPOCHS, book_steps
    from adlk.runs.speed import conditions, extrapolation_sentence, ranking_sentence, steps_table

    if bench is None:
        return "尚无速度测量：运行 `python -m adlk bench ch02` 之后重新生成。\n"
    names = {k: NAMES[k] for k in bench["candidates"]}
    text = steps_table(bench, names, "resnet20v1") + "\n" + ranking_sentence(bench, names)
    if "resnet20v1" in bench["candidates"]:
        text += extrapolation_sentence(bench, "resnet20v1", "ResNet20 v1", book_steps(),
                                       f"在 CIFAR-10 的 50,000 张训练图上以批大小 32 训练书中的 {BOOK_EPOCHS} 轮")
    return text + conditions(bench) + "\n"


def snippets(results: Any) -> dict[str, str]:
    """``ch02/summary-mnist.md``、``ch02/summary-deep.md`` 与 ``ch02/speed.md``。"""
    from adlk.runs.speed import bench_path, read_bench

    docs = getattr(results, "docs", None)
    bench = read_bench(bench_path(docs, "cpu", "ch02-steps")) if docs is not None else None
    return {"ch02/summary-mnist.md": _mnist_summary(_rows(results, "ch02/mnist")),
            "ch02/summary-deep.md": _deep_summary(_rows(results, "ch02/deep")),
            "ch02/speed.md": speed(bench)}
