"""第 1 章的插图。"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from adlk.figures import figure


@figure("ch01/mnist-samples.png")
def mnist_samples() -> Figure:
    """训练集中随机抽取的 25 个数字（固定种子）。"""
    from adlk.datasets import load_mnist

    (x_train, y_train), _ = load_mnist("full")
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(x_train), size=25)
    fig, axes = plt.subplots(5, 5, figsize=(5, 5.4))
    for ax, i in zip(axes.flat, idx):
        ax.imshow(x_train[i], cmap="gray")
        ax.set_title(str(y_train[i]), fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    return fig
