"""第 4 章的运行记录：评判网络，以及按书中设置训练的 DCGAN 与条件 GAN（CPU 预算内的步数）。

每个 GAN 任务按书中脚本的设置训练（批大小 64、z 为 100 维 [-1, 1] 均匀分布、RMSprop 2e-4 / 1e-4），
只是步数按 CPU 预算缩短（每行的 ``steps``；书中 40,000 步）。训练前和训练中的几个时刻，用同一组固定的
z（条件模型还有固定的标签）生成 500 张图像：前 100 张（uint8）存进 ``samples`` 文件画样本网格，全部 500 张
交给评判网络打分（见 :mod:`adlk.ch04.quality`）。损失曲线每 10 步取一次平均，记在结果文件的历史里。

第 5 章的任务（WGAN、LSGAN、ACGAN）调用这里的 :func:`train_and_score`，只换模型。
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from adlk.runs.spec import Metric, Run, Table, TaskResult

EVAL_SAMPLES = 500
"""每个时刻生成并打分的图像数（每个数字 50 张）。"""
GRID = 100
"""存进样本文件、画成 10×10 网格的图像数（评分用的 500 张里的前 100 张）。"""
EVAL_SEED = 20_240
"""固定 z 与标签的随机数种子（所有模型、所有时刻相同）。"""

JUDGE_METRICS = (
    Metric("test_accuracy", "测试准确率 %", scale=100, digits=2, primary=True),
    Metric("real_frechet", "500 张真实测试图像的 Fréchet 距离", digits=2, higher_is_better=False),
    Metric("parameters", "参数个数", digits=0, higher_is_better=None),
)
UNCONDITIONAL_METRICS = (
    Metric("frechet", "Fréchet 距离", digits=1, higher_is_better=False, primary=True),
    Metric("class_entropy", "类别分布的熵（nats，满分 2.30）", digits=2),
    Metric("confidence", "评判网络的平均置信度", digits=2),
)
CONDITIONAL_METRICS = (
    Metric("label_accuracy", "评判网络认出所要数字的比例 %", scale=100, digits=1, primary=True),
    *UNCONDITIONAL_METRICS[:2],
)
SHOW = ("模型", "损失", "优化器（判别器 / 生成器）", "步数")
SOURCES = ("adlk.ch04.models:build_generator", "adlk.ch04.models:build_discriminator", "adlk.ch04.models:GAN",
           "adlk.ch04.models:train_gan", "adlk.ch04.models:book_optimizers", "adlk.ch04.quality:build_judge",
           "adlk.ch04.quality:judge_scores", "adlk.ch04.quality:frechet_distance",
           "adlk.ch04.experiments:train_and_score", "adlk.ch04.experiments:eval_inputs")


def snapshot_steps(steps: int) -> list[int]:
    """保存样本网格的时刻：训练前、1/5、2/5 和最后一步。"""
    return sorted({0, steps // 5, 2 * steps // 5, steps})


def gan_row(row: str, model: str, steps: int, loss: str, optimizers: str, book_steps: int = 40_000,
            **params: Any) -> Run:
    """GAN 表的一行：``model`` 交给章节的搭建函数，``steps`` 是本站的步数。"""
    p = {"model": model, "steps": steps, "batch_size": 64, "latent_size": 100, **params}
    show = {"模型": row.upper(), "损失": loss, "优化器（判别器 / 生成器）": optimizers,
            "步数": f"{steps:,}（书中 {book_steps:,}）"}
    return Run(row, p, show=show)


# 记录用的双核机器上 DCGAN 每步约 1.2 秒（空闲时），1,000 步约 20 分钟：步数按这个 CPU 预算定，
# 可比的行（DCGAN、CGAN、LSGAN、ACGAN）步数相同；完整的 40,000 步见“在 GPU 上运行”页
CPU_STEPS = 1_000
"""本站在 CPU 上记录的步数（DCGAN、CGAN，以及第 5 章的 LSGAN、ACGAN）。"""

TABLES = (
    Table(chapter="ch04", name="judge", title="评判网络：给生成的数字打分用的固定 MNIST 分类器（本站）",
          task="adlk.ch04.experiments:run_judge", metrics=JUDGE_METRICS,
          sources=("adlk.ch04.quality:build_judge", "adlk.ch04.quality:judge_arrays",
                   "adlk.ch04.quality:judge_scores", "adlk.ch04.quality:frechet_distance"),
          runs=(Run("cnn", {"epochs": 2, "batch_size": 128, "optimizer": "adam"}),), timing="wall"),
    Table(chapter="ch04", name="dcgan", title=f"DCGAN（书中 4.2 节的脚本；CPU 预算 {CPU_STEPS} 步）",
          task="adlk.ch04.experiments:run_gan", metrics=UNCONDITIONAL_METRICS, show_columns=SHOW, sources=SOURCES,
          runs=(gan_row("dcgan", "dcgan", CPU_STEPS, "二元交叉熵", "RMSprop 2e-4 / 1e-4"),)),
    Table(chapter="ch04", name="cgan", title=f"条件 GAN（书中 4.3 节的脚本；CPU 预算 {CPU_STEPS} 步）",
          task="adlk.ch04.experiments:run_gan", metrics=CONDITIONAL_METRICS, show_columns=SHOW, sources=SOURCES,
          runs=(gan_row("cgan", "cgan", CPU_STEPS, "二元交叉熵", "RMSprop 2e-4 / 1e-4"),)),
)
"""第 4 章的全部表。"""


def build_model(model: str, latent_size: int = 100):
    """按名称搭建第 4 章的 GAN（已编译）：``"dcgan"`` 或 ``"cgan"``。

    Raises:
        ValueError: 名称无效；消息里列出有效值。
    """
    from adlk.ch04.models import GAN, book_optimizers, build_discriminator, build_generator

    if model not in ("dcgan", "cgan"):
        raise ValueError(f"unknown chapter 4 model {model!r}; valid models: 'dcgan', 'cgan'")
    labels = 10 if model == "cgan" else None
    gan = GAN(build_generator(latent_size, num_labels=labels), build_discriminator(num_labels=labels),
              latent_size=latent_size)
    gan.compile(*book_optimizers())
    return gan


def run_judge(run: Run, ctx) -> TaskResult:
    """训练评判网络（Adam，按行的轮数），记下测试准确率，把权重存成 ``weights`` 文件。

    ``real_frechet`` 是 500 张真实测试图像与整个测试集之间的 Fréchet 距离：GAN 能达到的下限的参照
    （样本数与 GAN 打分时相同）。
    """
    import keras

    from adlk.ch04.quality import build_judge, feature_model, gaussian_stats, judge_arrays, judge_scores
    from adlk.datasets import load_mnist

    p = run.params
    (x_train, y_train), (x_test, y_test) = load_mnist(profile=ctx.profile)
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
    x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255
    keras.utils.set_random_seed(ctx.seed)
    judge = build_judge()
    judge.compile(optimizer=p["optimizer"], loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    epochs = ctx.profile.cap(p["epochs"], "epochs")
    history = judge.fit(x_train, y_train, epochs=epochs, batch_size=p["batch_size"], verbose=2)
    _, accuracy = judge.evaluate(x_test, y_test, verbose=0)
    ctx.save_npz("weights", **judge_arrays(judge))
    both = feature_model(judge)
    reference = gaussian_stats(both.predict(x_test, batch_size=256, verbose=0)[1])
    pick = np.random.default_rng(EVAL_SEED).choice(len(x_test), size=min(EVAL_SAMPLES, len(x_test)), replace=False)
    real = judge_scores(both, x_test[pick], y_test[pick], reference=reference)
    return TaskResult(
        metrics={"test_accuracy": float(accuracy), "real_frechet": real["frechet"],
                 "real_class_entropy": real["class_entropy"], "parameters": float(judge.count_params())},
        history={k: [float(v) for v in vals] for k, vals in history.history.items()},
        counts={"parameters": int(judge.count_params()), "epochs": epochs, "train_samples": int(len(x_train)),
                "test_samples": int(len(x_test))},
    )


def eval_inputs(latent_size: int = 100, n: int = EVAL_SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """固定的 z（[-1, 1] 均匀分布）与标签（0, 1, …, 9 循环；10×10 网格的每一列是同一个数字）。"""
    rng = np.random.default_rng(EVAL_SEED)
    z = rng.uniform(-1.0, 1.0, size=(n, latent_size)).astype("float32")
    labels = (np.arange(n) % 10).astype("int64")
    return z, labels


def judge_path(ctx):
    """评判网络的权重：与本行结果同一个结果目录下的 ``ch04/judge``，没有时用 CPU 记录里的那一份。"""
    from adlk.ch04.quality import judge_weights_path

    if ctx.artifact_dir is not None:
        near = ctx.artifact_dir.parent.parent / "ch04" / "judge" / "cnn-weights.npz"
        if near.is_file():
            return near
    return judge_weights_path()


def _uint8(images: np.ndarray) -> np.ndarray:
    return (np.clip(np.asarray(images, dtype="float32").reshape(-1, 28, 28), 0, 1) * 255).round().astype(np.uint8)


def train_and_score(run: Run, ctx, build: Callable[[str, int], Any]) -> TaskResult:
    """训练一行 GAN 并打分（第 4、5 章的任务共用）。

    ``build(model, latent_size)`` 返回一个已编译的 :class:`adlk.ch04.models.GAN`。训练用
    :func:`adlk.ch04.models.train_gan`（每 50 步一个检查点）；在 :func:`snapshot_steps` 的各个时刻用固定输入
    生成 500 张图像，评判网络打分，前 100 张存进 ``samples`` 文件。
    """
    import keras

    from adlk.ch04.models import train_gan
    from adlk.ch04.quality import feature_model, gaussian_stats, judge_scores, load_judge
    from adlk.datasets import load_mnist

    p = run.params
    (x_train, y_train), (x_test, _) = load_mnist(profile=ctx.profile)
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
    x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255
    onehot = np.eye(10, dtype="float32")[y_train]

    keras.utils.set_random_seed(ctx.seed)
    gan = build(p["model"], p["latent_size"])
    conditional = gan.num_labels is not None
    judge = feature_model(load_judge(judge_path(ctx)))
    reference = gaussian_stats(judge.predict(x_test, batch_size=256, verbose=0)[1])
    z_eval, labels_eval = eval_inputs(p["latent_size"])
    steps = ctx.profile.cap(p["steps"], "steps")
    marks = snapshot_steps(steps)
    keep: dict[str, np.ndarray] = {}

    def snapshot(step: int) -> None:
        if step not in marks or f"images_{step:06d}" in keep:
            return
        inputs = [z_eval, np.eye(10, dtype="float32")[labels_eval]] if conditional else z_eval
        images = _uint8(gan.generator.predict(inputs, batch_size=100, verbose=0))
        s = judge_scores(judge, images, labels_eval if conditional else None, reference=reference)
        keep[f"images_{step:06d}"] = images[:GRID]
        keep[f"predicted_{step:06d}"] = s["predicted"][:GRID].astype(np.uint8)
        keep[f"scores_{step:06d}"] = np.array([s["frechet"], s["class_entropy"], s["confidence"],
                                               s.get("label_accuracy", np.nan)], dtype=np.float64)
        keep[f"share_{step:06d}"] = s["class_share"].astype(np.float64)

    history = train_gan(gan, x_train, onehot if conditional else None, steps=steps, batch_size=p["batch_size"],
                        ctx=ctx, chunk=p.get("chunk", 50), on_step=snapshot, keep=keep)

    scores = np.array([keep[f"scores_{s:06d}"] for s in marks])
    ctx.save_npz("samples", images=np.stack([keep[f"images_{s:06d}"] for s in marks]),
                 predicted=np.stack([keep[f"predicted_{s:06d}"] for s in marks]),
                 share=np.stack([keep[f"share_{s:06d}"] for s in marks]).astype(np.float16),
                 steps=np.array(marks, dtype=np.int32),
                 labels=labels_eval[:GRID].astype(np.uint8) if conditional else np.full(GRID, 255, np.uint8))
    final = scores[-1]
    metrics = {"frechet": float(final[0]), "class_entropy": float(final[1]), "confidence": float(final[2]),
               "d_loss": float(np.mean(history["d_loss"][-10:])), "g_loss": float(np.mean(history["g_loss"][-10:]))}
    if conditional:
        metrics["label_accuracy"] = float(final[3])
    history["snapshot_step"] = [int(s) for s in marks]
    for j, name in enumerate(("frechet", "class_entropy", "confidence", "label_accuracy")):
        if name != "label_accuracy" or conditional:
            history[f"snapshot_{name}"] = [float(v) for v in scores[:, j]]
    params = gan.generator.count_params() + gan.discriminator.count_params()
    return TaskResult(
        metrics=metrics,
        history=history,
        counts={"steps": steps, "batch_size": p["batch_size"], "generator_parameters": gan.generator.count_params(),
                "discriminator_parameters": gan.discriminator.count_params(), "parameters": params,
                "train_samples": int(len(x_train)), "eval_samples": EVAL_SAMPLES},
        extra={"n_critic": gan.n_critic, "judge": "docs/results/cpu/ch04/judge (python -m adlk reproduce ch04/judge)"},
    )


def run_gan(run: Run, ctx) -> TaskResult:
    """第 4 章的 GAN 任务：DCGAN 或条件 GAN（``params["model"]``）。"""
    return train_and_score(run, ctx, build_model)
