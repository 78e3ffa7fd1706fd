"""第 8 章页面引入的生成片段：每个模型隐变量各维的 KL 与均值的离散程度，以及按伯努利似然重算的重建项。

这些数都来自结果文件（``docs/results/cpu/ch08/``）里任务函数记下的额外指标，页面不手写任何结果。
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from adlk.ch08.experiments import TABLES
from adlk.site.report import ReportContext, Snippet

LABELS = {"mlp": "MLP VAE（MSE）", "cnn": "CNN VAE（MSE）", "cvae": "CVAE（β = 1）",
          "beta-9": "β-VAE（β = 9）", "beta-10": "β-VAE（β = 10）"}


def class_share(latent: dict[str, np.ndarray]) -> float:
    """隐变量均值的总方差里，由数字类别解释的比例（各类中心的方差 / 总方差，两维合计）。

    接近 1：各数字在隐空间里各占一块；接近 0：各数字的点云重叠、铺满同一片区域（条件 VAE 的情形）。
    """
    z = latent["z_mean"].astype(np.float64)
    labels = latent["labels"]
    centre = z.mean(axis=0)
    between = sum((labels == d).sum() * np.sum((z[labels == d].mean(axis=0) - centre) ** 2) for d in np.unique(labels))
    return float(between / np.sum((z - centre) ** 2))


def load_latent(docs: Path, table_id: str, data: dict[str, Any]) -> dict[str, np.ndarray] | None:
    """一行结果的隐变量文件（``latent``），没有时为 ``None``。"""
    name = data.get("artifacts", {}).get("latent")
    if name is None:
        return None
    path = Path(docs) / "results" / "cpu" / table_id / name
    if not path.is_file():
        return None
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def latent_stats(ctx: ReportContext) -> Snippet:
    """每一行：训练用的重建项、按 BCE × 784 重算的重建项、KL 项，以及 z[0]、z[1] 各自的 KL 和均值的标准差。"""
    head = ["模型", "轮数", "重建项（训练所用）", "伯努利重建项（BCE × 784）", "KL 项", "z[0] 的 KL", "z[1] 的 KL",
            "z[0] 均值的标准差", "z[1] 均值的标准差", "类别解释的方差比例"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    uses = []
    for table in TABLES:
        for run in table.runs:
            data = ctx.result(table.id, run.row)
            if data is None:
                lines.append("| " + " | ".join([LABELS[run.row], run.show["轮数"]] + ["—"] * (len(head) - 2)) + " |")
                continue
            uses.append((table.id, run.row))
            m = data["metrics"]
            latent = load_latent(ctx.docs, table.id, data)
            share = "—" if latent is None else f"{class_share(latent):.2f}"
            kind = run.params["reconstruction"].upper()
            lines.append("| " + " | ".join([
                LABELS[run.row], run.show["轮数"], f"{m['test_reconstruction']:.1f}（{kind}）",
                f"{m['test_bce_reconstruction']:.1f}", f"{m['test_kl']:.2f}", f"{m['kl_dim0']:.2f}",
                f"{m['kl_dim1']:.2f}", f"{m['z_mean_std0']:.2f}", f"{m['z_mean_std1']:.2f}",
                share]) + " |")
    note = ("\n测试集 10,000 张图像的平均值，单位 nats/图；“KL 项”是两维之和；标准差是 10,000 个均值 "
            "$\\boldsymbol{\\mu}(\\mathbf{x})$ 在这一维上的标准差；“类别解释的方差比例”是 5,000 个均值的总方差中"
            "各数字中心之间的方差所占的比例：接近 1 表示各数字在隐空间里各占一块，接近 0 表示各数字铺满同一片区域。\n")
    if not uses:
        note += "\n尚无本站的运行记录：运行 `python -m adlk reproduce ch08` 之后重新生成。\n"
    return Snippet("\n".join(lines) + "\n" + note, uses)


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 8 章页面经 ``--8<--`` 引入的特有片段。"""
    return {"ch08/latent-stats.md": latent_stats(ctx)}
