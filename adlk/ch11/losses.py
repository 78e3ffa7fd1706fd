"""SSD 的损失函数（书中 ``loss.py``），用 ``keras.ops`` 写成，与后端无关。

偏移量的真值 ``y_true`` 形状是 ``(batch, A, 8)``：前 4 个分量是偏移量，后 4 个是掩码（正锚框为 1，其余为 0）。
模型的偏移量输出 ``y_pred`` 是 ``(batch, A, 4)``。书中把输出复制一份拼成 8 个分量，只为了让两者形状一致；
Keras 3 调用自定义损失时不要求 ``y_true`` 与 ``y_pred`` 的最后一维相同，所以这里不再复制。
"""

from __future__ import annotations

import keras
from keras import ops

FOCAL_ALPHA = 0.25
FOCAL_GAMMA = 2.0


def _masked(y_true, y_pred):
    offset, mask = y_true[..., 0:4], y_true[..., 4:8]
    return offset * mask, y_pred[..., 0:4] * mask


def l1_loss(y_true, y_pred):
    """L1 损失：每个锚框 4 个分量的 :math:`|\\hat y - y|` 的平均（背景锚框被掩码置 0），形状 ``(batch, A)``。"""
    offset, pred = _masked(y_true, y_pred)
    return ops.mean(ops.abs(pred - offset), axis=-1)


def smooth_l1_loss(y_true, y_pred, delta: float = 1.0):
    """平滑 L1（Huber）损失：:math:`|x| < \\delta` 时 :math:`x^2/2`，否则 :math:`\\delta(|x| - \\delta/2)`；
    每个锚框 4 个分量取平均，形状 ``(batch, A)``。

    直接用 Keras 的 ``keras.losses.huber``（书中用 ``tf.keras.losses.Huber()``，``delta=1``，结果相同）。
    """
    offset, pred = _masked(y_true, y_pred)
    return keras.losses.huber(offset, pred, delta=delta)


def focal_loss_categorical(y_true, y_pred, alpha: float = FOCAL_ALPHA, gamma: float = FOCAL_GAMMA):
    """类别的焦点损失（focal loss）：:math:`-\\sum_c \\alpha (1 - p_c)^\\gamma y_c \\log p_c`，形状 ``(batch, A)``。

    :math:`(1 - p_c)^\\gamma` 让已经分对、概率接近 1 的锚框（大多是背景）几乎不贡献损失。
    书中 :math:`\\alpha = 0.25`、:math:`\\gamma = 2`，并先把 ``y_pred`` 归一化、截断到 :math:`[\\epsilon, 1-\\epsilon]`。
    """
    y_pred = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
    eps = keras.config.epsilon()
    y_pred = ops.clip(y_pred, eps, 1.0 - eps)
    cross_entropy = -y_true * ops.log(y_pred)
    weight = alpha * ops.power(1.0 - y_pred, gamma)
    return ops.sum(weight * cross_entropy, axis=-1)


LOSSES = {
    "l1": ("categorical_crossentropy", l1_loss),
    "smooth_l1": ("categorical_crossentropy", smooth_l1_loss),
    "focal": (focal_loss_categorical, smooth_l1_loss),
}
"""书中三种损失组合（``--smooth-l1``、``--improved-loss`` 与默认）：``(类别损失, 偏移量损失)``。"""

VARIANTS = {
    "l1": {"loss": "l1", "normalize": False},
    "smooth-l1": {"loss": "smooth_l1", "normalize": False},
    "normalized": {"loss": "l1", "normalize": True},
    "normalized-smooth-l1": {"loss": "smooth_l1", "normalize": True},
    "normalized-smooth-l1-focal": {"loss": "focal", "normalize": True},
}
"""书中表 11.13.1 的五种组合（命令行参数 ``--smooth-l1``、``--normalize``、``--improved-loss`` 的组合）。"""
