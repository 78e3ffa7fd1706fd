"""第 2 章的速度基准：deep 表的五个模型在同一个进程里轮流训练，量出每步的用时。

deep 表的各行是在不同时间、不同负载下记录的，它们的用时不能相互比较。2.7 节里关于快慢的每一句话
（哪个模型快、快多少、书中的 200 轮要多久）都由这里的一次测量生成::

    python -m adlk bench ch02                 # 写入 docs/results/bench/cpu-ch02-steps.json
    python -m adlk bench ch02 --steps 5 --rounds 2 --no-save

每个模型按 deep 表的设置搭建（数据增强层在前，书中的优化器），用一批固定的 32×32×3 随机图像（批大小 32，
与书中相同）调用 ``train_on_batch``；图像的内容不影响每步的计算量。
"""

from __future__ import annotations

MODELS = ("resnet20v1", "resnet32v1", "resnet56v1", "resnet20v2", "densenet-bc-40")
"""deep 表的五个模型（:func:`adlk.ch02.train.build_named` 的名字）。"""
BATCH_SIZE = 32
"""书中的批大小。"""
BOOK_EPOCHS = 200
"""书中每个模型训练的轮数。"""
CIFAR_TRAIN = 50_000
"""CIFAR-10 的训练图像数。"""


def book_steps() -> int:
    """书中一次完整训练的步数：200 轮，每轮 ⌈50,000 / 32⌉ 步。"""
    return BOOK_EPOCHS * -(-CIFAR_TRAIN // BATCH_SIZE)


def step_factory(name: str, seed: int = 0):
    """搭建 ``name``（与 deep 表的行相同），返回“训练一步”的函数。"""
    def build():
        import keras
        import numpy as np

        from adlk.ch02.train import build_named, compile_book, is_densenet, with_augmentation

        keras.utils.set_random_seed(seed)
        model = compile_book(with_augmentation(build_named(name), flip=False, seed=seed), is_densenet(name))
        rng = np.random.default_rng(seed)
        x = rng.random((BATCH_SIZE, 32, 32, 3), dtype=np.float32)
        y = keras.utils.to_categorical(rng.integers(0, 10, BATCH_SIZE), 10)
        return lambda: model.train_on_batch(x, y)

    return build


INFO = {"batch_size": BATCH_SIZE, "input_shape": [32, 32, 3],
        "what": "train_on_batch of the deep table's models (augmentation layer, book optimizers)"}
"""随测量结果一起写进文件的说明。"""


def main(argv: list[str]) -> int:
    """``python -m adlk bench ch02 …`` 的入口（选项见 ``--help``）。"""
    from adlk.runs.speed import bench_cli

    return bench_cli(argv, "ch02", __doc__, MODELS, step_factory, INFO)
