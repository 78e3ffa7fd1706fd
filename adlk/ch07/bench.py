"""第 7 章两个 CycleGAN 的速度基准：在同一个进程里轮流训练，量出每一步的用时。

7.5 节与“在 GPU 上运行”页里关于书中 100,000 步在 CPU 上要多久的句子，都由这里的一次测量生成；
各行结果文件里的用时含打分，而且是在不同负载下记下的，不能相互比较::

    python -m adlk bench ch07                 # 写入 docs/results/bench/cpu-ch07-steps.json
    python -m adlk bench ch07 --steps 5 --rounds 2 --no-save

每个模型按书中脚本的设置搭建并编译（与记录运行相同）：``digits`` 是 MNIST ↔ MNIST-M 风格（5×5 卷积核），
``colour`` 是灰度 ↔ 着色数字（3×3 卷积核），两者都是 1 个通道 ↔ 3 个通道、32×32、PatchGAN。一步就是训练循环里的
一次 ``train_on_batch``：两个域各一批 32 张（固定的随机图像），两个判别器各更新一次，两个生成器一起更新一次。
"""

from __future__ import annotations

MODELS = ("digits", "colour")
"""两个实验。"""
KERNELS = {"digits": 5, "colour": 3}
"""两个实验的卷积核大小（书中 MNIST ↔ SVHN 用 5，CIFAR-10 用 3）。"""
BATCH_SIZE = 32
"""书中的批大小。"""
BOOK_STEPS = 100_000
"""书中每个实验训练的步数。"""


def step_factory(name: str, seed: int = 0):
    """搭建 ``name`` 的 CycleGAN（已编译），返回“训练一步”的函数。"""
    def build():
        import keras
        import numpy as np

        from adlk.ch07.models import build_cyclegan

        keras.utils.set_random_seed(seed)
        model = build_cyclegan((32, 32, 1), (32, 32, 3), kernel_size=KERNELS[name], patchgan=True)
        rng = np.random.default_rng(seed)
        source = rng.random((BATCH_SIZE, 32, 32, 1), dtype=np.float32)
        target = rng.random((BATCH_SIZE, 32, 32, 3), dtype=np.float32)
        return lambda: model.train_on_batch((source, target), return_dict=True)

    return build


INFO = {"batch_size": BATCH_SIZE, "book_steps": BOOK_STEPS,
        "what": "one train_on_batch of each CycleGAN as built for the recorded rows (no scoring)"}
"""随测量结果一起写进文件的说明。"""


def main(argv: list[str]) -> int:
    """``python -m adlk bench ch07 …`` 的入口（选项见 ``--help``）。"""
    from adlk.runs.speed import bench_cli

    return bench_cli(argv, "ch07", __doc__, MODELS, step_factory, INFO)
