"""怎样给生成的数字打分：一个固定的 MNIST 分类器（“评判网络”）和它的特征空间里的 Fréchet 距离。

书中只给出生成的图片，没有数值指标。本站用自己的量（页面上标明“本站”）：

- 条件模型（CGAN、ACGAN）：评判网络认出的数字与要求的标签相同的比例（:func:`judge_scores` 的 ``label_accuracy``）；
- 所有模型：评判网络给出的类别分布有多均匀（``class_entropy``，满分 log 10），以及生成图像与真实测试图像在
  评判网络倒数第二层特征上的 Fréchet 距离（:func:`frechet_distance`，越小越像，类似 FID，但用的是 MNIST 分类器，
  数值不能与文献里的 FID 比较）。

第 6、8 章还用 :func:`shape_measures`、:func:`traversal_ranges` 量生成的数字笔画的倾斜与宽窄。

评判网络只训练一次（``python -m adlk reproduce ch04/judge``），权重作为记录的一部分提交；各个 GAN 的任务读入
同一份权重，所以各行的分数用的是同一把尺子。
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import keras
import numpy as np
from keras import layers

FEATURES = 64
"""评判网络倒数第二层的宽度（Fréchet 距离就在这 64 维上计算）。"""


def build_judge() -> keras.Model:
    """一个小 CNN：三层卷积 → 全局平均池化 → Dense(64, ReLU, 名为 ``features``) → Dense(10, softmax)。"""
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    features = layers.Dense(FEATURES, activation="relu", name="features")(x)
    outputs = layers.Dense(10, activation="softmax", name="digit")(features)
    return keras.Model(inputs, outputs, name="judge")


def judge_weights_path(device: str = "cpu") -> Path:
    """记录下来的评判网络权重（``docs/results/<device>/ch04/judge/cnn-weights.npz``）。"""
    root = Path(__file__).resolve().parent.parent.parent
    return root / "docs" / "results" / device / "ch04" / "judge" / "cnn-weights.npz"


def load_judge(path: str | Path | None = None) -> keras.Model:
    """搭建评判网络并读入记录下来的权重。

    Raises:
        ValueError: 权重文件不存在；消息里给出生成它的命令。
    """
    path = Path(path) if path is not None else judge_weights_path()
    if not path.is_file():
        raise ValueError(f"judge weights {path} not found: run `python -m adlk reproduce ch04/judge` first")
    model = build_judge()
    with np.load(path) as f:
        values = [f[f"w{i:02d}"] for i in range(len(f.files))]
    if len(values) != len(model.weights):
        raise ValueError(f"{path} holds {len(values)} arrays, the judge has {len(model.weights)} weights: "
                         "re-run `python -m adlk reproduce ch04/judge`")
    model.set_weights([v.astype("float32") for v in values])
    return model


def judge_arrays(model: keras.Model) -> dict[str, np.ndarray]:
    """评判网络的权重，按顺序存成 ``w00``、``w01``……（float16，约 120 KB）。"""
    return {f"w{i:02d}": np.asarray(w, dtype=np.float16) for i, w in enumerate(model.get_weights())}


def feature_model(judge: keras.Model) -> keras.Model:
    """同一个评判网络，输出 (类别概率, 64 维特征)。"""
    return keras.Model(judge.inputs, [judge.output, judge.get_layer("features").output])


def gaussian_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """特征的均值与协方差矩阵。"""
    f = np.asarray(features, dtype=np.float64)
    return f.mean(axis=0), np.cov(f, rowvar=False)


def frechet_distance(mu1: np.ndarray, cov1: np.ndarray, mu2: np.ndarray, cov2: np.ndarray) -> float:
    """两个高斯 N(mu1, cov1)、N(mu2, cov2) 之间的 Fréchet 距离（2-Wasserstein 距离的平方）：

    ``|mu1 - mu2|² + tr(cov1 + cov2 - 2 (cov1^½ cov2 cov1^½)^½)``，用对称矩阵的特征分解计算，数值稳定。
    """
    def sqrtm_psd(m: np.ndarray) -> np.ndarray:
        w, v = np.linalg.eigh((m + m.T) / 2)
        return (v * np.sqrt(np.clip(w, 0, None))) @ v.T

    s1 = sqrtm_psd(cov1)
    cross = sqrtm_psd(s1 @ cov2 @ s1)
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(cross))


def judge_scores(model: keras.Model, images: np.ndarray, labels: np.ndarray | None = None,
                 reference: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, Any]:
    """评判网络对一批图像的打分。

    Args:
        model: :func:`feature_model` 给出的模型（或评判网络本身，此时不算 Fréchet 距离）。
        images: (n, 28, 28) 或 (n, 28, 28, 1)，uint8（0–255）或 [0, 1] 的浮点数。
        labels: 要求生成的数字（整数）；给出时算 ``label_accuracy``。
        reference: 真实图像特征的 (均值, 协方差)；给出时算 ``frechet``。

    Returns:
        ``predicted``（每张图的类别）、``class_share``（10 类各占的比例）、``class_entropy``（nats，最大 log 10）、
        ``confidence``（最大类别概率的平均值），以及 ``label_accuracy``、``frechet``（给出对应参数时）。
    """
    x = np.asarray(images)
    x = x.astype("float32") / 255 if x.dtype == np.uint8 else x.astype("float32")
    x = x.reshape(-1, 28, 28, 1)
    out = model.predict(x, batch_size=256, verbose=0)
    probs, features = (out[0], out[1]) if isinstance(out, (list, tuple)) else (out, None)
    predicted = probs.argmax(axis=1)
    share = np.bincount(predicted, minlength=10) / len(predicted)
    nonzero = share[share > 0]
    scores: dict[str, Any] = {
        "predicted": predicted,
        "class_share": share,
        "class_entropy": float(-(nonzero * np.log(nonzero)).sum()),
        "confidence": float(probs.max(axis=1).mean()),
    }
    if labels is not None:
        scores["label_accuracy"] = float(np.mean(predicted == np.asarray(labels)))
    if reference is not None and features is not None:
        scores["frechet"] = frechet_distance(*gaussian_stats(features), *reference)
    return scores


MAX_ENTROPY = math.log(10)
"""10 类均匀分布的熵（nats）。"""


# ------------------------------------------------------------ 笔画的形状（第 6、8 章：沿一个隐变量走时数字怎样变）


def shape_measures(image: np.ndarray) -> tuple[float, float]:
    """一张 28×28 图像笔画的倾斜（二阶矩 −μ11/μ02，竖直为 0，向右上倾斜为正）与宽窄（水平方向的标准差，像素）。"""
    img = image.astype(np.float64)
    total = img.sum()
    if total <= 0:
        raise ValueError("shape_measures needs an image with some stroke; got an all-black image")
    yy, xx = np.mgrid[: img.shape[0], : img.shape[1]]
    cx, cy = (xx * img).sum() / total, (yy * img).sum() / total
    mu11 = ((xx - cx) * (yy - cy) * img).sum() / total
    mu02 = ((yy - cy) ** 2 * img).sum() / total
    mu20 = ((xx - cx) ** 2 * img).sum() / total
    return float(-mu11 / mu02), float(np.sqrt(mu20))


def traversal_ranges(walks: np.ndarray) -> np.ndarray:
    """``walks``：(标签, 维, 步, 28, 28) 的遍历图像 → (维, 属性) 的数组：沿每一维走时倾斜与宽窄的变化幅度
    （最大值减最小值），对各标签取平均。"""
    m = np.array([[[shape_measures(walks[c, d, k]) for k in range(walks.shape[2])] for d in range(walks.shape[1])]
                  for c in range(walks.shape[0])])  # (标签, 维, 步, 属性)
    return (m.max(axis=2) - m.min(axis=2)).mean(axis=0)


DOMINANCE = 2.0
"""一个属性沿一维（或一个码）的变化幅度至少是沿另一维的这么多倍，才说它“主要随”这一维变。"""


def roles(ranges: np.ndarray, dominance: float = DOMINANCE) -> tuple[int | None, ...]:
    """``ranges``（:func:`traversal_ranges` 的结果，(维, 属性)）→ 每个属性主要随哪一维变（0 或 1）；
    两维的变化相差不到 ``dominance`` 倍时为 ``None``。第 6 章的连续码与第 8 章的潜在变量共用。"""
    out: list[int | None] = []
    for a in range(ranges.shape[1]):
        r0, r1 = ranges[0, a], ranges[1, a]
        out.append(0 if r0 >= dominance * r1 else 1 if r1 >= dominance * r0 else None)
    return tuple(out)
