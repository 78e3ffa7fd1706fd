"""记录下来的翻译样例（每个方向 10 张固定的测试图）上，打分用的分类器读出的数字。

记录运行只存了每个时刻的前 10 张翻译结果（``samples`` 文件），整批 500 张的分数在结果文件里。这里不训练，
只把存下来的小图再交给分类器读一遍，给插图标注，并生成 7.5 节里关于这 10 张图的句子：

- MNIST-M 风格的图：本章的分类器（``ch07/judge`` 的权重）；
- 其余的图（MNIST、灰度图、着色数字）：转成灰度、取中间 28×28、按每张图的最大值拉伸到 [0, 1] 之后，
  交给第 4 章的评判网络（着色数字与它的灰度版的笔画最亮只有约 0.6，拉伸后才像 MNIST）。
"""

from __future__ import annotations

import numpy as np

KINDS = {"ch07/digits": ("mnist", "mnistm"), "ch07/colour": ("grey", "colour")}
"""每个实验的（源域，目标域）的种类。"""


def read(images: np.ndarray, kind: str) -> np.ndarray:
    """分类器读出的数字：``images`` 为 uint8，(n, 32, 32, c)。"""
    from adlk.ch04.quality import load_judge
    from adlk.ch07.data import to_grey
    from adlk.ch07.experiments import load_mnistm_judge

    x = np.asarray(images)
    if kind == "mnistm":
        return load_mnistm_judge().predict(x.astype("float32") / 255, verbose=0).argmax(1)
    grey = (to_grey(x) if x.shape[-1] == 3 else x)[:, 2:30, 2:30].astype("float32")
    grey = grey / np.maximum(grey.max(axis=(1, 2, 3), keepdims=True), 1.0)
    return load_judge().predict(grey, verbose=0).argmax(1)


def readings(table_id: str, data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """一个实验的样例文件里每组图被读出的数字，以及是否等于原来的数字（键与样例文件相同，外加 ``*_kept``）。"""
    source_kind, target_kind = KINDS[table_id]
    out = {}
    plan = (("fake_target", target_kind, data["source_labels"]), ("fake_source", source_kind, data["target_labels"]),
            ("cycled_source", source_kind, data["source_labels"]), ("cycled_target", target_kind, data["target_labels"]))
    for key, kind, labels in plan:
        stack = data[key]
        digits = np.stack([read(stack[i], kind) for i in range(len(stack))])
        out[key] = digits
        out[f"{key}_kept"] = digits == labels[None, :]
    return out
