"""第 4、5 章五个 GAN 的速度基准：在同一个进程里轮流训练，量出每个生成器步的用时。

5.4 节比较五个模型时，关于快慢的话（WGAN 一步是 DCGAN 的几倍、书中的 40,000 步在这台 CPU 上要多久）
都由这里的一次测量生成；各行结果文件里的用时是在不同负载下记下的，不能相互比较::

    python -m adlk bench ch05                 # 写入 docs/results/bench/cpu-ch05-steps.json
    python -m adlk bench ch05 --steps 5 --rounds 2 --no-save

每个模型按书中脚本的设置搭建并编译（与记录运行相同），一步就是训练循环里的一次 ``train_on_batch``：
判别器看一批 64 张真实图像（WGAN 看 5 批、更新 5 次）和同样多的生成图像，再更新一次生成器。
不含记录运行里给样本打分的时间。
"""

from __future__ import annotations

MODELS = ("dcgan", "cgan", "wgan", "lsgan", "acgan")
"""五个模型：前两个由第 4 章搭建，后三个由第 5 章搭建。"""
BATCH_SIZE = 64
"""书中的批大小。"""
BOOK_STEPS = 40_000
"""书中每个模型训练的步数。"""


def step_factory(name: str, seed: int = 0):
    """搭建 ``name``（已编译），返回“训练一步”的函数（一批固定的随机图像，条件模型再加固定的独热标签）。"""
    def build():
        import keras
        import numpy as np

        keras.utils.set_random_seed(seed)
        if name in ("dcgan", "cgan"):
            from adlk.ch04.experiments import build_model
        else:
            from adlk.ch05.models import build_model
        gan = build_model(name)
        n = BATCH_SIZE * gan.n_critic
        rng = np.random.default_rng(seed)
        images = rng.random((n, 28, 28, 1), dtype=np.float32)
        labels = keras.utils.to_categorical(rng.integers(0, 10, n), 10) if name in ("cgan", "acgan") else None
        return lambda: gan.train_on_batch(images, labels, return_dict=True)

    return build


INFO = {"batch_size": BATCH_SIZE, "book_steps": BOOK_STEPS,
        "what": "one train_on_batch of each GAN as built for the recorded rows (no scoring)"}
"""随测量结果一起写进文件的说明。"""


def main(argv: list[str]) -> int:
    """``python -m adlk bench ch05 …`` 的入口（选项见 ``--help``）。"""
    from adlk.runs.speed import bench_cli

    return bench_cli(argv, "ch05", __doc__, MODELS, step_factory, INFO)
