"""第 6 章的运行记录：按书中设置训练的 InfoGAN 与 StackedGAN（步数按 CPU 预算缩短），以及本站的解耦度量。

两个任务都用第 4 章的 :func:`adlk.ch04.models.train_gan` 训练（每 50 步一个检查点，可以打断后接着训练），
都用第 4 章记录下来的评判网络打分：

- InfoGAN：固定的 z、连续码与类别码 0–9（各 50 张）生成 500 张图像，评判网络认出的数字与类别码的计数表、
  最佳一一对应下的准确率（:func:`adlk.ch06.measures.matched_accuracy`）；训练结束后，沿每个连续码从 -2 走到 2
  （书中 ``test_generator`` 的范围），量笔画的倾斜与宽窄（:func:`adlk.ch04.quality.shape_measures`）；
- StackedGAN：每个数字 50 张（z1、z0 固定），评判网络认出所要数字的比例；保存每个数字只变 z1、只变 z0 的网格。
"""

from __future__ import annotations

from typing import Any

import numpy as np

from adlk.runs.spec import Metric, Run, Table, TaskResult

EVAL_SEED = 20_240
"""固定输入的随机数种子（与第 4 章相同）。"""
PER_CODE = 50
"""每个类别码（每个数字）生成、打分的图像数。"""
WALK = (-2.0, 2.0, 9)
"""连续码的遍历：从 -2 到 2 共 9 步（书中 ``test_generator`` 用 ±2）。"""
WALK_Z = 5
"""量笔画形状时，每个类别码用几个不同的 z 遍历（结果取平均）。"""
SHOW = ("模型", "步数", "预训练")

INFOGAN_STEPS = 600
"""本站在 CPU 上记录的 InfoGAN 步数（书中 40,000）。"""
STACKED_STEPS = 2_000
"""本站在 CPU 上记录的 StackedGAN 步数（书中 10,000）。"""
ENCODER_EPOCHS = 2
"""本站预训练编码器的轮数（书中 10）。"""

INFOGAN_METRICS = (
    Metric("matched_accuracy", "类别码与数字最佳对应时的准确率 %", scale=100, digits=1, primary=True),
    Metric("code_accuracy", "码 k 被认成数字 k 的比例 %", scale=100, digits=1),
    Metric("class_entropy", "类别分布的熵（nats，满分 2.30）", digits=2),
    Metric("frechet", "Fréchet 距离", digits=1, higher_is_better=False),
)
STACKED_METRICS = (
    Metric("label_accuracy", "评判网络认出所要数字的比例 %", scale=100, digits=1, primary=True),
    Metric("encoder_accuracy", "编码器的测试准确率 %", scale=100, digits=2),
    Metric("class_entropy", "类别分布的熵（nats，满分 2.30）", digits=2),
    Metric("frechet", "Fréchet 距离", digits=1, higher_is_better=False),
)
_COMMON = ("adlk.ch04.models:GAN", "adlk.ch04.models:train_gan", "adlk.ch04.models:book_optimizers",
           "adlk.ch04.models:build_generator", "adlk.ch04.models:build_discriminator",
           "adlk.ch04.quality:judge_scores", "adlk.ch04.quality:frechet_distance",
           "adlk.ch04.experiments:judge_path", "adlk.ch06.experiments:snapshot_steps")
INFOGAN_SOURCES = (*_COMMON, "adlk.ch06.models:build_infogan_generator", "adlk.ch06.models:build_infogan_discriminator",
                   "adlk.ch06.models:mi_categorical", "adlk.ch06.models:mi_gaussian", "adlk.ch06.models:InfoGAN",
                   "adlk.ch06.models:build_infogan", "adlk.ch06.experiments:infogan_inputs",
                   "adlk.ch06.experiments:infogan_walks", "adlk.ch06.measures:code_digit_counts",
                   "adlk.ch06.measures:matched_accuracy")
STACKED_SOURCES = (*_COMMON, "adlk.ch06.models:build_encoder", "adlk.ch06.models:pretrain_encoder",
                   "adlk.ch06.models:build_gen0", "adlk.ch06.models:build_gen1", "adlk.ch06.models:build_dis0",
                   "adlk.ch06.models:build_dis1", "adlk.ch06.models:StackedGAN", "adlk.ch06.models:build_stackedgan",
                   "adlk.ch06.experiments:stacked_inputs")

TABLES = (
    Table(chapter="ch06", name="infogan", title=f"InfoGAN（书中 6.1 节的脚本；CPU 预算 {INFOGAN_STEPS:,} 步）",
          task="adlk.ch06.experiments:run_infogan", metrics=INFOGAN_METRICS, show_columns=SHOW,
          sources=INFOGAN_SOURCES,
          runs=(Run("infogan", {"steps": INFOGAN_STEPS, "batch_size": 64, "latent_size": 62, "code_std": 0.5,
                                "real_labels": True},
                    show={"模型": "InfoGAN", "步数": f"{INFOGAN_STEPS:,}（书中 40,000）", "预训练": "—"}),)),
    Table(chapter="ch06", name="stackedgan",
          title=f"StackedGAN（书中 6.2 节的脚本；CPU 预算：编码器 {ENCODER_EPOCHS} 轮、{STACKED_STEPS:,} 步）",
          task="adlk.ch06.experiments:run_stackedgan", metrics=STACKED_METRICS, show_columns=SHOW,
          sources=STACKED_SOURCES,
          runs=(Run("stackedgan", {"steps": STACKED_STEPS, "encoder_epochs": ENCODER_EPOCHS, "batch_size": 64,
                                   "z_dim": 50},
                    show={"模型": "StackedGAN", "步数": f"{STACKED_STEPS:,}（书中 10,000）",
                          "预训练": f"编码器 {ENCODER_EPOCHS} 轮（书中 10 轮）"}),)),
)
"""第 6 章的全部表。"""


def snapshot_steps(steps: int) -> list[int]:
    """保存样本、打分的时刻：训练前、1/4、1/2、3/4 和最后一步。"""
    return sorted({0, steps // 4, steps // 2, 3 * steps // 4, steps})


def infogan_inputs(latent_size: int = 62, code_std: float = 0.5) -> list[np.ndarray]:
    """打分用的固定输入：500 组 z、独热码、连续码 1、连续码 2，类别码按 0 到 9 循环。"""
    rng = np.random.default_rng(EVAL_SEED)
    n = 10 * PER_CODE
    z = rng.uniform(-1.0, 1.0, size=(n, latent_size)).astype("float32")
    codes = rng.normal(scale=code_std, size=(n, 2)).astype("float32")
    label = np.eye(10, dtype="float32")[np.arange(n) % 10]
    return [z, label, codes[:, :1], codes[:, 1:]]


def infogan_walks(latent_size: int = 62, n_z: int = WALK_Z) -> tuple[list[np.ndarray], tuple[int, ...]]:
    """连续码的遍历输入：每个类别码、每个 z、每个连续码，从 -2 走到 2（另一个码为 0）。

    返回生成器的输入和图像该排成的形状（类别码 × z、码、步三个轴）：第 0 个 z 就是网格图里的那一行。
    """
    rng = np.random.default_rng(EVAL_SEED + 1)
    lo, hi, k = WALK
    values = np.linspace(lo, hi, k, dtype="float32")
    zs = rng.uniform(-1.0, 1.0, size=(n_z, latent_size)).astype("float32")
    rows = []
    for code in range(10):
        for j in range(n_z):
            for which in range(2):
                for v in values:
                    c = [0.0, 0.0]
                    c[which] = v
                    rows.append((zs[j], code, c))
    z = np.stack([r[0] for r in rows])
    label = np.eye(10, dtype="float32")[[r[1] for r in rows]]
    c = np.array([r[2] for r in rows], dtype="float32")
    return [z, label, c[:, :1], c[:, 1:]], (10 * n_z, 2, k)


def stacked_inputs(z_dim: int = 50) -> dict[str, np.ndarray]:
    """StackedGAN 打分与画网格用的固定输入（z 取自 N(0, 0.5²)）。

    ``label``、``z1``、``z0``：500 组，数字按 0–9 循环；``vary_z1``、``vary_z0``：每个数字 10 个值，另一个 z 固定。
    """
    rng = np.random.default_rng(EVAL_SEED)
    n = 10 * PER_CODE
    out = {"label": np.arange(n) % 10, "z1": rng.normal(scale=0.5, size=(n, z_dim)).astype("float32"),
           "z0": rng.normal(scale=0.5, size=(n, z_dim)).astype("float32")}
    fixed = rng.normal(scale=0.5, size=(1, z_dim)).astype("float32")
    varied = rng.normal(scale=0.5, size=(10, z_dim)).astype("float32")
    out["grid_label"] = np.repeat(np.arange(10), 10)
    out["grid_fixed"] = np.tile(fixed, (100, 1))
    out["grid_varied"] = np.tile(varied, (10, 1))
    return out


def _uint8(images: Any) -> np.ndarray:
    return (np.clip(np.asarray(images, dtype="float32").reshape(-1, 28, 28), 0, 1) * 255).round().astype(np.uint8)


def _mnist(ctx) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from adlk.datasets import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist(profile=ctx.profile)
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
    x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255
    return x_train, y_train, x_test, y_test


def _judge(ctx, x_test: np.ndarray):
    from adlk.ch04.experiments import judge_path
    from adlk.ch04.quality import feature_model, gaussian_stats, load_judge

    judge = feature_model(load_judge(judge_path(ctx)))
    reference = gaussian_stats(judge.predict(x_test, batch_size=256, verbose=0)[1])
    return judge, reference


def run_infogan(run: Run, ctx) -> TaskResult:
    """训练 InfoGAN（书中设置：z 62 维、10 类码、两个 N(0, 0.5²) 连续码，权重 1、1、0.5、0.5），给类别码打分，
    训练结束后遍历两个连续码，把图像和量出的笔画形状存进 ``samples``、``walks`` 文件。"""
    import keras

    from adlk.ch04.models import train_gan
    from adlk.ch04.quality import judge_scores, shape_measures
    from adlk.ch06.measures import code_digit_counts, matched_accuracy
    from adlk.ch06.models import build_infogan

    p = run.params
    x_train, y_train, x_test, _ = _mnist(ctx)
    onehot = np.eye(10, dtype="float32")[y_train]
    keras.utils.set_random_seed(ctx.seed)
    gan = build_infogan(p["latent_size"], seed=ctx.seed)
    gan.code_std = float(p["code_std"])
    judge, reference = _judge(ctx, x_test)
    inputs = infogan_inputs(p["latent_size"], p["code_std"])
    codes = np.arange(len(inputs[0])) % 10
    steps = ctx.profile.cap(p["steps"], "steps")
    marks = snapshot_steps(steps)
    keep: dict[str, np.ndarray] = {}

    def snapshot(step: int) -> None:
        if step not in marks or f"images_{step:06d}" in keep:
            return
        images = _uint8(gan.generator.predict(inputs, batch_size=100, verbose=0))
        s = judge_scores(judge, images, codes, reference=reference)
        counts = code_digit_counts(codes, s["predicted"])
        matched, _ = matched_accuracy(counts)
        keep[f"images_{step:06d}"] = images[:100]
        keep[f"counts_{step:06d}"] = counts
        keep[f"scores_{step:06d}"] = np.array([matched, s["label_accuracy"], s["class_entropy"], s["frechet"]])

    history = train_gan(gan, x_train, onehot if p["real_labels"] else None, steps=steps,
                        batch_size=p["batch_size"], ctx=ctx, chunk=p.get("chunk", 50), on_step=snapshot, keep=keep)

    walk_inputs, shape = infogan_walks(p["latent_size"])
    walk_images = _uint8(gan.generator.predict(walk_inputs, batch_size=100, verbose=0)).reshape(*shape, 28, 28)
    measures = np.array([[[shape_measures(walk_images[r, d, k]) if walk_images[r, d, k].any() else (np.nan, np.nan)
                           for k in range(shape[2])] for d in range(2)] for r in range(shape[0])])
    scores = np.array([keep[f"scores_{s:06d}"] for s in marks])
    final_counts = keep[f"counts_{steps:06d}"]
    matched, mapping = matched_accuracy(final_counts)
    ctx.save_npz("samples", images=np.stack([keep[f"images_{s:06d}"] for s in marks]),
                 counts=np.stack([keep[f"counts_{s:06d}"] for s in marks]).astype(np.int32),
                 steps=np.array(marks, dtype=np.int32), mapping=mapping.astype(np.int8))
    # 网格图只要每个类别码的第一个 z；形状量用全部 z
    ctx.save_npz("walks", images=walk_images[::WALK_Z], values=np.linspace(*WALK[:2], WALK[2]).astype(np.float32),
                 measures=measures.reshape(10, WALK_Z, 2, shape[2], 2).astype(np.float32))
    history["snapshot_step"] = [int(s) for s in marks]
    for j, name in enumerate(("matched_accuracy", "code_accuracy", "class_entropy", "frechet")):
        history[f"snapshot_{name}"] = [float(v) for v in scores[:, j]]
    return TaskResult(
        metrics={"matched_accuracy": matched, "code_accuracy": float(scores[-1, 1]),
                 "class_entropy": float(scores[-1, 2]), "frechet": float(scores[-1, 3]),
                 "d_loss": float(np.mean(history["d_loss"][-10:])), "g_loss": float(np.mean(history["g_loss"][-10:]))},
        history=history,
        counts={"steps": steps, "batch_size": p["batch_size"], "generator_parameters": gan.generator.count_params(),
                "discriminator_parameters": gan.discriminator.count_params(), "train_samples": int(len(x_train)),
                "eval_samples": int(len(codes)), "walk_images": int(np.prod(shape))},
        extra={"judge": "docs/results/cpu/ch04/judge (python -m adlk reproduce ch04/judge)",
               "mapping": [int(m) for m in mapping]},
    )


def run_stackedgan(run: Run, ctx) -> TaskResult:
    """预训练编码器（Adam，按行的轮数），训练 StackedGAN 的两层（编码器不更新），给每个数字打分并保存网格。"""
    import keras

    from adlk.ch04.models import train_gan
    from adlk.ch04.quality import judge_scores
    from adlk.ch06.models import build_encoder, build_stackedgan, pretrain_encoder

    p = run.params
    x_train, y_train, x_test, y_test = _mnist(ctx)
    onehot = np.eye(10, dtype="float32")[y_train]
    keras.utils.set_random_seed(ctx.seed)
    enc0, enc1 = build_encoder()
    gan = build_stackedgan(enc0, enc1, seed=ctx.seed)
    keep: dict[str, np.ndarray] = {}
    epochs = ctx.profile.cap(p["encoder_epochs"], "epochs")
    if ctx.restore() is None:
        # 第一次运行：先预训练编码器；接着训练时它的权重随检查点恢复
        h = pretrain_encoder(enc0, enc1, x_train, onehot, epochs=epochs, batch_size=p["batch_size"], verbose=2)
        keep["encoder_history"] = np.array([h.history["loss"], h.history["accuracy"]], dtype=np.float64)
    encoder_before: list[np.ndarray] = []
    judge, reference = _judge(ctx, x_test)
    inputs = stacked_inputs(p["z_dim"])
    label_eval = np.eye(10, dtype="float32")[inputs["label"]]
    steps = ctx.profile.cap(p["steps"], "steps")
    marks = snapshot_steps(steps)

    def snapshot(step: int) -> None:
        if not encoder_before:
            # 编码器此刻的权重（接着训练时已从检查点恢复）；训练完再比一次，必须完全相同
            encoder_before.extend(np.array(w) for w in enc0.get_weights() + enc1.get_weights())
        if step not in marks or f"images_{step:06d}" in keep:
            return
        images = _uint8(gan.predict([label_eval, inputs["z1"], inputs["z0"]], batch_size=100, verbose=0))
        s = judge_scores(judge, images, inputs["label"], reference=reference)
        keep[f"images_{step:06d}"] = images[:100]
        keep[f"scores_{step:06d}"] = np.array([s["label_accuracy"], s["class_entropy"], s["frechet"]])

    history = train_gan(gan, x_train, onehot, steps=steps, batch_size=p["batch_size"], ctx=ctx,
                        chunk=p.get("chunk", 50), on_step=snapshot, keep=keep)
    if not all(np.array_equal(a, b) for a, b in
                                  zip(encoder_before, enc0.get_weights() + enc1.get_weights())):
        raise RuntimeError("the encoder changed during StackedGAN training; it must stay frozen")
    _, encoder_accuracy = _encoder_accuracy(enc0, enc1, x_test, y_test)
    grid_label = np.eye(10, dtype="float32")[inputs["grid_label"]]
    vary_z1 = _uint8(gan.predict([grid_label, inputs["grid_varied"], inputs["grid_fixed"]], verbose=0))
    vary_z0 = _uint8(gan.predict([grid_label, inputs["grid_fixed"], inputs["grid_varied"]], verbose=0))
    scores = np.array([keep[f"scores_{s:06d}"] for s in marks])
    ctx.save_npz("samples", images=np.stack([keep[f"images_{s:06d}"] for s in marks]),
                 steps=np.array(marks, dtype=np.int32), vary_z1=vary_z1, vary_z0=vary_z0,
                 labels=inputs["label"][:100].astype(np.uint8))
    history["snapshot_step"] = [int(s) for s in marks]
    for j, name in enumerate(("label_accuracy", "class_entropy", "frechet")):
        history[f"snapshot_{name}"] = [float(v) for v in scores[:, j]]
    enc_hist = keep.get("encoder_history")
    if enc_hist is not None:
        history["encoder_loss"], history["encoder_accuracy"] = [list(map(float, r)) for r in enc_hist]
    return TaskResult(
        metrics={"label_accuracy": float(scores[-1, 0]), "encoder_accuracy": encoder_accuracy,
                 "class_entropy": float(scores[-1, 1]), "frechet": float(scores[-1, 2]),
                 "g1_class_accuracy": float(np.mean(history["g1_class_accuracy"][-10:])),
                 "g0_feature_mse": float(np.mean(history["g0_feature_mse"][-10:]))},
        history=history,
        counts={"steps": steps, "encoder_epochs": epochs, "batch_size": p["batch_size"],
                **{f"{name}_parameters": int(m.count_params()) for name, m in
                   (("enc0", enc0), ("enc1", enc1), ("gen0", gan.gen0), ("gen1", gan.gen1), ("dis0", gan.dis0),
                    ("dis1", gan.dis1))},
                "train_samples": int(len(x_train)), "eval_samples": int(len(inputs["label"]))},
        extra={"judge": "docs/results/cpu/ch04/judge (python -m adlk reproduce ch04/judge)"},
    )


def _encoder_accuracy(enc0, enc1, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    probs = enc1.predict(enc0.predict(x, batch_size=256, verbose=0), batch_size=256, verbose=0)
    predicted = probs.argmax(axis=1)
    return predicted, float(np.mean(predicted == y))
