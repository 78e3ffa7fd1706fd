"""第 13 章的插图。

原理部分的图（二元高斯的互信息随相关系数的变化、两个视图的例子）由公式和代码直接算出；其余的图只读取
记录下来的运行（``docs/results/cpu/ch13/``）保存的小文件：测试集的簇分配、逐轮的联合分布矩阵、MINE
逐步的估计。生成插图时从不训练；还没有记录时画一张“尚无记录”的占位图。
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from adlk.site.figures import figure, load_artifact, placeholder, plt

BLUE, ORANGE, GREEN, RED, GRAY, PURPLE = "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8C8C8C", "#8172B3"


def _command(table: str, row: str | None = None) -> str:
    return f"python -m adlk reproduce ch13/{table}" + (f" --only {row}" if row else "")


def _history(table: str, row: str) -> dict | None:
    from adlk.runs.results import read_result
    from adlk.site.figures import result_file

    path = result_file(f"ch13/{table}", row)
    return read_result(path) if path.is_file() else None


# ---------------------------------------------------------------- 13.1 互信息


@figure("ch13/gaussian-mi.png")
def gaussian_mi_curve() -> Figure:
    """二元高斯的互信息闭式解 −½ log(1−ρ²) 随相关系数的变化。"""
    from adlk.ch13.mi import gaussian_mi

    rho = np.linspace(-0.99, 0.99, 397)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(rho, [gaussian_mi(r) for r in rho], color=BLUE)
    for r in (0.5, 0.8):
        ax.plot([r], [gaussian_mi(r)], "o", color=ORANGE)
        ax.annotate(f"ρ = {r:g}：{gaussian_mi(r):.3f} nats", (r, gaussian_mi(r)), textcoords="offset points",
                    xytext=(-150, 8))
    ax.set_xlabel("相关系数 ρ")
    ax.set_ylabel("I(X; Y)（nats）")
    ax.set_title("二元标准高斯的互信息：ρ → ±1 时趋于无穷")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- 13.2 IIC


@figure("ch13/views.png")
def views() -> Figure:
    """第一个视图（中心裁剪）和第二个视图（随机仿射、亮度抖动、噪声）的例子。"""
    import tensorflow as tf

    from adlk.ch13.iic import augment, center_crop
    from adlk.datasets import load_mnist

    (_, _), (x_test, _) = load_mnist(profile="full")
    x = (x_test[:8].astype("float32") / 255)[..., None]
    rows = [np.asarray(center_crop(tf.constant(x)))]
    for k in range(3):
        rows.append(np.asarray(augment(tf.constant(x), tf.constant([7, k], dtype=tf.int32))))
    fig, axes = plt.subplots(4, 8, figsize=(8, 4.4))
    names = ["中心裁剪", "增强 1", "增强 2", "增强 3"]
    for r, batch in enumerate(rows):
        for c in range(8):
            ax = axes[r, c]
            ax.imshow(batch[c, ..., 0], cmap="Greys_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(names[r], fontsize=9)
    fig.suptitle("同一张图的两个视图：第一行是 x，下面三行是三次不同的 g(x)")
    fig.tight_layout()
    return fig


def _joint_panels(axes, joints, epochs, title_fmt):
    for ax, e in zip(axes, epochs):
        ax.imshow(joints[e - 1], cmap="viridis")
        ax.set_title(title_fmt.format(e), fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])


IIC_ROWS = (("cpu", "λ = 1"), ("lamb-2", "λ = 2"))
"""结果表里两行正常训练的 IIC：λ = 1 与 λ = 2，其余设置相同。"""
HEADLINE = "lamb-2"
"""画每个簇的样本时用的一行。"""


@figure("ch13/joint-training.png")
def joint_training() -> Figure:
    """训练过程中（头 0 在测试集上的）联合分布矩阵 P：由均匀的一团变成对角占优。每一行是一次运行。"""
    title = "IIC 训练中的联合分布矩阵"
    found = [(row, label, load_artifact("ch13/iic", row, "joints")) for row, label in IIC_ROWS]
    found = [(row, label, data["joints"]) for row, label, data in found if data is not None]
    if not found:
        return placeholder(title, _command("iic"))
    n = max(len(j) for _, _, j in found)
    picks = sorted({1, 2, 3, max(1, n // 2), n})
    fig, axes = plt.subplots(len(found), len(picks), figsize=(2.1 * len(picks), 2.3 * len(found)), squeeze=False)
    for r, (row, label, joints) in enumerate(found):
        _joint_panels(axes[r], joints, [e for e in picks if e <= len(joints)], f"{label}，第 {{}} 轮")
    fig.suptitle(f"{title}（头 0，测试集的两个视图；颜色越亮概率越大）", y=1.02)
    fig.tight_layout()
    return fig


@figure("ch13/iic-accuracy.png")
def iic_accuracy() -> Figure:
    """每轮结束时各个主聚类头在测试集上的聚类准确率（匈牙利匹配）。左：λ = 1，右：λ = 2。"""
    title = "IIC 各个头的测试集聚类准确率"
    found = [(label, _history("iic", row)) for row, label in IIC_ROWS]
    found = [(label, data["history"]) for label, data in found if data is not None]
    if not found:
        return placeholder(title, _command("iic"))
    fig, axes = plt.subplots(1, len(found), figsize=(5.5 * len(found), 4), squeeze=False, sharey=True)
    colors = [BLUE, ORANGE, GREEN, RED, PURPLE]
    for ax, (label, history) in zip(axes[0], found):
        heads = sorted(k for k in history if k.startswith("acc_head"))
        for color, key in zip(colors, heads):
            epochs = np.arange(1, len(history[key]) + 1)
            ax.plot(epochs, 100 * np.array(history[key]), color=color, marker=".", label=f"头 {key[-1]}")
        ax.axhline(90, color=GRAY, ls="--", lw=1)
        ax.set_title(f"{label}：聚类准确率 %（匈牙利匹配）")
        ax.set_xlabel("轮")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


@figure("ch13/confusion.png")
def confusion() -> Figure:
    """每一行选中的头：簇（按匈牙利匹配对应到类别后）与真实标签的混淆矩阵。"""
    from adlk.ch13.mi import match_clusters

    title = "IIC 的混淆矩阵"
    found = [(label, load_artifact("ch13/iic", row, "assignments")) for row, label in IIC_ROWS]
    found = [(label, data) for label, data in found if data is not None]
    if not found:
        return placeholder(title, _command("iic"))
    fig, axes = plt.subplots(1, len(found), figsize=(5.4 * len(found), 5), squeeze=False)
    for ax, (label, data) in zip(axes[0], found):
        chosen = int(data["chosen"])
        clusters, labels = data["clusters"][chosen].astype(int), data["labels"].astype(int)
        mapping, _ = match_clusters(labels, clusters, 10, 10)
        matrix = np.zeros((10, 10), dtype=int)
        np.add.at(matrix, (labels, mapping[clusters]), 1)
        ax.imshow(np.log1p(matrix), cmap="Blues")
        for i in range(10):
            for j in range(10):
                if matrix[i, j]:
                    ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=6.5,
                            color="white" if matrix[i, j] > 300 else "black")
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.set_xlabel("簇（按匹配到的类别标注）")
        ax.set_ylabel("真实标签")
        ax.set_title(f"{label}，头 {chosen}", fontsize=10)
    fig.suptitle(f"{title}（测试集 10,000 张）")
    fig.tight_layout()
    return fig


@figure("ch13/clusters.png")
def cluster_examples() -> Figure:
    """λ = 2 一行选中的头：每个簇里的前 12 张测试图像，一行一个簇，行首是匹配到的类别。"""
    from adlk.ch13.mi import match_clusters
    from adlk.datasets import load_mnist

    title = "IIC 每个簇里的测试图像"
    data = load_artifact("ch13/iic", HEADLINE, "assignments")
    if data is None:
        return placeholder(title, _command("iic", HEADLINE))
    chosen = int(data["chosen"])
    clusters, labels = data["clusters"][chosen].astype(int), data["labels"].astype(int)
    mapping, _ = match_clusters(labels, clusters, 10, 10)
    (_, _), (x_test, y_test) = load_mnist(profile="full")
    if not np.array_equal(y_test, labels):
        raise ValueError("the recorded labels are not the MNIST test labels")
    order = np.argsort(mapping)
    fig, axes = plt.subplots(10, 12, figsize=(7.5, 6.8))
    for r, c in enumerate(order):
        members = np.flatnonzero(clusters == c)[:12]
        for k in range(12):
            ax = axes[r, k]
            ax.set_xticks([])
            ax.set_yticks([])
            for side in ax.spines.values():
                side.set_visible(False)
            if k < len(members):
                wrong = labels[members[k]] != mapping[c]
                ax.imshow(x_test[members[k]], cmap="Reds_r" if wrong else "Greys_r")
            if k == 0:
                ax.set_ylabel(f"簇 {c} → {mapping[c]}", fontsize=8, rotation=0, ha="right", va="center")
    fig.suptitle(f"{title}（{dict(IIC_ROWS)[HEADLINE]}，头 {chosen}；红色的图与簇匹配到的类别不同）")
    fig.tight_layout()
    return fig


@figure("ch13/collapse.png")
def collapse() -> Figure:
    """坍缩：λ = 0.5 的一行，头 0 在各轮的联合分布矩阵和簇的大小。"""
    title = "坍缩的一次运行"
    data = load_artifact("ch13/iic", "collapse", "joints")
    if data is None:
        return placeholder(title, _command("iic", "collapse"))
    joints = data["joints"]
    n = len(joints)
    fig, axes = plt.subplots(1, n + 1, figsize=(2.3 * (n + 1), 2.6))
    _joint_panels(axes[:n], joints, range(1, n + 1), "第 {} 轮的 P")
    ax = axes[n]
    assign = load_artifact("ch13/iic", "collapse", "assignments")
    sizes = np.bincount(assign["clusters"][int(assign["chosen"])].astype(int), minlength=10)
    ax.bar(range(10), sizes, color=RED)
    ax.set_xticks(range(10))
    ax.set_title("最后各簇的图像数", fontsize=9)
    fig.suptitle(f"{title}（λ = 0.5，1 个头，没有过聚类头）", y=1.03)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- 13.4 MINE


@figure("ch13/mine-gaussian.png")
def mine_gaussian() -> Figure:
    """MINE 在二元高斯上逐步的估计（每 20 步平均）与闭式解。"""
    from adlk.ch13.experiments import TABLES
    from adlk.ch13.mi import gaussian_mi

    title = "MINE 对二元高斯互信息的估计"
    table = next(t for t in TABLES if t.name == "mine-gaussian")
    fig, ax = plt.subplots(figsize=(8, 4.4))
    colors = [BLUE, ORANGE, GREEN, RED, PURPLE]
    found = False
    for color, run in zip(colors, table.runs):
        data = load_artifact("ch13/mine-gaussian", run.row, "estimates")
        if data is None:
            continue
        found = True
        est = data["estimates"].astype(float)
        window = 20
        smooth = np.convolve(est, np.ones(window) / window, mode="valid")
        steps = np.arange(window, len(est) + 1)
        ax.plot(np.arange(1, len(est) + 1), est, color=color, alpha=0.18, lw=0.6)
        ax.plot(steps, smooth, color=color, label=f"ρ = {run.params['rho']:g}")
        ax.axhline(gaussian_mi(run.params["rho"]), color=color, ls="--", lw=1)
    if not found:
        return placeholder(title, _command("mine-gaussian"))
    ax.set_xlabel("训练步（每步 1,000 个联合样本 + 1,000 个边缘样本）")
    ax.set_ylabel("DV 下界的估计（nats）")
    ax.set_title(f"{title}：实线是 20 步滑动平均，淡线是每步的值，虚线是闭式解")
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


@figure("ch13/mine-mnist.png")
def mine_mnist() -> Figure:
    """MINE 在 MNIST 上：逐轮的 MI 下界，和测试集潜在向量前两个主成分的散点图。"""
    title = "MINE 在 MNIST 上"
    data = _history("mine-mnist", "latent-10")
    latent = load_artifact("ch13/mine-mnist", "latent-10", "latent")
    if data is None or latent is None:
        return placeholder(title, _command("mine-mnist"))
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.4))
    mi = data["history"]["mi"]
    ax.plot(np.arange(1, len(mi) + 1), mi, color=BLUE, marker="o")
    ax.set_xlabel("轮")
    ax.set_title("训练中每轮平均的 DV 下界（nats）")
    ax.grid(alpha=0.3)
    z = latent["z"].astype(float)
    z = z - z.mean(axis=0)
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    pc = z @ vt[:2].T
    sc = ax2.scatter(pc[:, 0], pc[:, 1], c=latent["labels"], cmap="tab10", s=2)
    fig.colorbar(sc, ax=ax2, ticks=range(10))
    ax2.set_title("测试集潜在向量的前两个主成分（按数字着色）")
    fig.tight_layout()
    return fig
