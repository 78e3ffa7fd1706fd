"""第 8 章页面引入的生成片段：每个模型潜在变量各维的 KL 与均值的离散程度，按伯努利似然重算的重建项，
以及沿每个潜在变量方向走时笔画的倾斜和宽窄变了多少（由此得出“哪一维管哪个属性”的句子）。

这些数都来自结果文件（``docs/results/cpu/ch08/``）里任务函数记下的额外指标，页面不手写任何结果。
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from adlk.ch04.quality import DOMINANCE, roles, shape_measures, traversal_ranges
from adlk.ch08.experiments import TABLES
from adlk.site.report import ReportContext, Snippet

LABELS = {"mlp": "MLP VAE（MSE）", "cnn": "CNN VAE（MSE）", "cvae": "CVAE（β = 1）",
          "beta-9": "β-VAE（β = 9）", "beta-10": "β-VAE（β = 10）"}


def class_share(latent: dict[str, np.ndarray]) -> float:
    """潜在变量均值的总方差里，由数字类别解释的比例（各类中心的方差 / 总方差，两维合计）。

    接近 1：各数字在潜在空间里各占一块；接近 0：各数字的点云重叠、铺满同一片区域（条件 VAE 的情形）。
    """
    z = latent["z_mean"].astype(np.float64)
    labels = latent["labels"]
    centre = z.mean(axis=0)
    between = sum((labels == d).sum() * np.sum((z[labels == d].mean(axis=0) - centre) ** 2) for d in np.unique(labels))
    return float(between / np.sum((z - centre) ** 2))


def load_artifact_arrays(docs: Path, table_id: str, data: dict[str, Any], name: str) -> dict[str, np.ndarray] | None:
    """一行结果的某个 ``.npz`` 文件（``latent``、``traversal`` 等）里的全部数组，没有时为 ``None``。"""
    file = data.get("artifacts", {}).get(name)
    path = None if file is None else Path(docs) / "results" / "cpu" / table_id / file
    if path is None or not path.is_file():
        return None
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def load_latent(docs: Path, table_id: str, data: dict[str, Any]) -> dict[str, np.ndarray] | None:
    """一行结果的潜在变量文件（``latent``），没有时为 ``None``。"""
    return load_artifact_arrays(docs, table_id, data, "latent")


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
    note = ("\n测试集 10,000 张图像的平均值：用 MSE 训练的行，“重建项（训练所用）”是平方误差之和，不是 nats；"
            "其余各列（伯努利重建项与各个 KL）的单位是 nats/图。“KL 项”是两维之和；标准差是 10,000 个均值 "
            "$\\boldsymbol{\\mu}(\\mathbf{x})$ 在这一维上的标准差；“类别解释的方差比例”是 5,000 个均值的总方差中"
            "各数字中心之间的方差所占的比例：接近 1 表示各数字在潜在空间里各占一块，接近 0 表示各数字铺满同一片区域。\n")
    if not uses:
        note += "\n尚无本站的运行记录：运行 `python -m adlk reproduce ch08` 之后重新生成。\n"
    return Snippet("\n".join(lines) + "\n" + note, uses)


ATTRIBUTES = ("倾斜", "宽窄")
"""遍历时量的两个属性（:func:`shape_measures` 的两个返回值）。"""
BOOK_ROLES = {"cvae": (1, 0), "beta-9": (0, 1)}
"""书中的描述里管倾斜、宽窄的维（图 8.2.5、8.2.6：CVAE 沿 z[0] 宽窄变、沿 z[1] 倾斜变；图 8.3.3 一节：
β = 9 时 z[0] 管倾斜、z[1] 管宽窄）。"""
TRAVERSAL_ROWS = ("cvae", "beta-9", "beta-10")
IGNORED_KL = 0.1
"""一维潜在变量的 KL 低于它（nats），就说编码器和解码器忽略了这一维。"""


def separation(ranges: np.ndarray) -> float:
    """分工的清晰度，0～1：每个属性的变化集中在一维上的程度（|2s − 1|，s 是沿 z[0] 的份额），两个属性取平均。
    1 表示每个属性只随一维变；0 表示每个属性在两维上变得一样多。"""
    share = ranges[0] / (ranges[0] + ranges[1])
    return float(np.mean(np.abs(2 * share - 1)))


def role_phrase(found: tuple[int | None, ...]) -> str:
    """例如“倾斜主要随 z[0] 变，宽窄主要随 z[1] 变”。"""
    if all(d is None for d in found):
        return "、".join(ATTRIBUTES).replace("、", "和") + "都沿两维在变"
    parts = [f"{name}主要随 z[{d}] 变" if d is not None else f"{name}沿两维都在变"
             for name, d in zip(ATTRIBUTES, found)]
    text = "，".join(parts)
    if found[0] is not None and found[0] == found[1]:
        text += f"（两个属性挤在同一维 z[{found[0]}] 上）"
    return text


def compare_with_book(found: tuple[int | None, ...], book: tuple[int, ...]) -> str:
    """本站的分工与书中的描述相比：相同、正好对调，或没有分开。"""
    if found == book:
        return "与书中的分工相同"
    if None not in found and found == tuple(1 - d for d in book):
        return "与书中正好对调（潜在空间的朝向本来就由训练决定，重要的是一维只管一件事）"
    return "书中是" + role_phrase(book) + "，本站没有分成这样的两个方向"


def latent_correlation(latent: dict[str, np.ndarray]) -> float:
    """测试图像潜在变量均值两维之间的相关系数。"""
    z = latent["z_mean"].astype(np.float64)
    return float(np.corrcoef(z.T)[0, 1])


def traversal_summary(ctx: ReportContext) -> Snippet:
    """CVAE 与两个 β-VAE：沿每一维走时倾斜、宽窄的变化幅度，分工的清晰度、两维均值的相关，以及由此得出的句子。"""
    table = next(t for t in TABLES if t.name == "cvae")
    head = ["模型", "轮数", "倾斜的变化：沿 z[0]", "沿 z[1]", "宽窄的变化（像素）：沿 z[0]", "沿 z[1]",
            "分工的清晰度", "两维均值的相关系数"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    sentences, uses, clarity = [], [], {}
    for row in TRAVERSAL_ROWS:
        run = table.run(row)
        data = ctx.result(table.id, row)
        found_walks = None if data is None else load_artifact_arrays(ctx.docs, table.id, data, "traversal")
        walks = None if found_walks is None else found_walks["images"]
        latent = None if data is None else load_latent(ctx.docs, table.id, data)
        if walks is None or latent is None:
            lines.append("| " + " | ".join([LABELS[row], run.show["轮数"]] + ["—"] * (len(head) - 2)) + " |")
            continue
        uses.append((table.id, row))
        ranges = traversal_ranges(walks)
        clarity[row] = separation(ranges)
        corr = latent_correlation(latent)
        lines.append("| " + " | ".join([LABELS[row], run.show["轮数"], f"{ranges[0, 0]:.2f}", f"{ranges[1, 0]:.2f}",
                                        f"{ranges[0, 1]:.2f}", f"{ranges[1, 1]:.2f}", f"{clarity[row]:.2f}",
                                        f"{corr:+.2f}"]) + " |")
        found = roles(ranges)
        text = f"- **{LABELS[row]}**：{role_phrase(found)}"
        if row in BOOK_ROLES:
            text += "；" + compare_with_book(found, BOOK_ROLES[row])
        kl = [data["metrics"]["kl_dim0"], data["metrics"]["kl_dim1"]]
        weak = int(np.argmin(kl))
        if kl[weak] < IGNORED_KL:
            text += (f"；z[{weak}] 的 KL 只有 {kl[weak]:.2f} nats，它几乎不携带信息，编码器和解码器都忽略了它，"
                     "分布缩成了一维")
        if abs(corr) > 0.9:
            text += f"；两维均值的相关系数是 {corr:+.2f}，点云缩成了一条斜线，两个潜在变量总是一起变化，实际上只剩一个方向"
        sentences.append(text + "。")
    if "cvae" in clarity and "beta-9" in clarity:
        better = clarity["beta-9"] > clarity["cvae"]
        sentences.append(f"- 按清晰度比较，β = 9 的分工{'比 CVAE 更清楚' if better else '并不比 CVAE 清楚'}"
                         f"（{clarity['beta-9']:.2f} 对 {clarity['cvae']:.2f}）。")
    note = ("\n倾斜用笔画的二阶矩 $-\\mu_{11}/\\mu_{02}$ 量（竖直为 0），宽窄是笔画在水平方向上的标准差；变化幅度是"
            "沿这一维从 −3 走到 3 的 9 步里最大值减最小值（另一维固定为 0），对 10 个标签取平均。一个属性沿一维的"
            f"变化至少是沿另一维的 {DOMINANCE:g} 倍，才说它“主要随”这一维变。分工的清晰度是每个属性的变化集中在"
            "一维上的程度，两个属性取平均：1 表示每个属性只随一维变，0 表示两维各占一半。\n")
    if sentences:
        note += "\n" + "\n".join(sentences) + "\n"
    else:
        note += "\n尚无本站的运行记录：运行 `python -m adlk reproduce ch08/cvae` 之后重新生成。\n"
    return Snippet("\n".join(lines) + "\n" + note, uses)


def recording_load(ctx: ReportContext, table_id: str, row: str) -> Snippet:
    """记录开始时机器的 1 分钟平均负载与核数：负载高于核数时说明还有别的任务在运行，用时偏长。"""
    data = ctx.result(table_id, row)
    if data is None:
        return Snippet(f"尚无这一行的运行记录：运行 `python -m adlk reproduce {table_id} --only {row}` 之后重新生成。\n")
    prov = data["provenance"]
    load, cores = (prov.get("load_average") or [None])[0], prov.get("cpu_count")
    if load is None or cores is None:
        return Snippet("这次记录没有留下机器的负载。\n", [(table_id, row)])
    text = f"记录开始时，这台 {cores} 核机器的 1 分钟平均负载是 {load:.1f}"
    if load > cores:
        text += "，高于核数：机器上还同时运行着别的任务，所以比空闲时慢。"
    else:
        text += "，没有超过核数。"
    return Snippet(text + "\n", [(table_id, row)])


def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 8 章页面经 ``--8<--`` 引入的特有片段。"""
    return {"ch08/latent-stats.md": latent_stats(ctx), "ch08/traversal.md": traversal_summary(ctx),
            "ch08/cnn-load.md": recording_load(ctx, "ch08/vae", "cnn")}
