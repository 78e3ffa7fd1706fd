"""第 7 章的运行记录：MNIST-M 风格数字的分类器（打分用），以及按书中设置训练的两个 CycleGAN（CPU 预算内的步数）。

书中只给出翻译结果的图片，没有数值。本站的量（页面上标明“本站”）：

- 翻译后的数字还是不是原来那个数字：MNIST → MNIST-M 风格由本章的分类器 :func:`build_mnistm_judge` 判断，
  MNIST-M 风格 → MNIST 由第 4 章的评判网络判断（取 32×32 的中间 28×28）；
- 灰度 → 彩色：笔画涂成的颜色是不是这个数字的颜色（第 3 章的 ``color_votes``），以及与真实彩色图的 MAE；
- 两个方向的循环重建误差：翻译过去再翻译回来，与原图的逐像素平均绝对误差。

每个 CycleGAN 按书中的设置训练（批大小 32、RMSprop 2e-4 / 1e-4、循环权重 10、PatchGAN），只是步数按 CPU
预算缩短（书中 100,000 步）。训练前和训练中的几个时刻，把同一组固定的测试图像（每个域 500 张）翻译过去、
再翻译回来并打分，前 :data:`GRID` 张的结果（uint8）存进 ``samples`` 文件画图。
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from adlk.runs.spec import Metric, Run, Table, TaskResult

EVAL_SAMPLES = 500
"""每个时刻每个方向翻译并打分的测试图像数。"""
GRID = 10
"""存进样本文件的图像数（每个方向）。"""
BOOK_STEPS = 100_000
"""书中两个实验的训练步数。"""
# 步数按一次记录的墙钟时间约一刻钟定：两个实验的每步计算量不同（每步用时见 python -m adlk bench ch07），
# 步数也不同；完整的 100,000 步见“在 GPU 上运行”页
DIGIT_STEPS = 1_000
"""本站在 CPU 上记录的 MNIST ↔ MNIST-M 风格的步数（书中的 5×5 卷积核）。"""
COLOUR_STEPS = 2_000
"""本站在 CPU 上记录的灰度 ↔ 彩色的步数（书中的 3×3 卷积核）。"""

JUDGE_METRICS = (
    Metric("test_accuracy", "MNIST-M 风格测试集准确率 %", scale=100, digits=2, primary=True),
    Metric("on_mnist_accuracy", "直接判 MNIST 测试图（不翻译）%", scale=100, digits=1),
    Metric("ch04_judge_on_grey_accuracy", "第 4 章评判网络判 MNIST-M 风格的灰度图 %", scale=100, digits=1),
    Metric("parameters", "参数个数", digits=0, higher_is_better=None),
)
DIGIT_METRICS = (
    Metric("label_kept_target", "MNIST → MNIST-M 风格：保住数字 %", scale=100, digits=1, primary=True),
    Metric("label_kept_source", "MNIST-M 风格 → MNIST：保住数字 %", scale=100, digits=1),
    Metric("cycle_mae_source", "MNIST 的循环重建 MAE", digits=3, higher_is_better=False),
    Metric("cycle_mae_target", "MNIST-M 风格的循环重建 MAE", digits=3, higher_is_better=False),
)
COLOUR_METRICS = (
    Metric("colour_accuracy", "灰度 → 彩色：涂对颜色 %", scale=100, digits=1, primary=True),
    Metric("colour_mae", "灰度 → 彩色与真实彩色图的 MAE", digits=3, higher_is_better=False),
    Metric("grey_mae", "彩色 → 灰度与真实灰度图的 MAE", digits=3, higher_is_better=False),
    Metric("cycle_mae_source", "灰度图的循环重建 MAE", digits=3, higher_is_better=False),
    Metric("cycle_mae_target", "彩色图的循环重建 MAE", digits=3, higher_is_better=False),
)
SHOW = ("数据（书中）", "卷积核", "步数")
SOURCES = ("adlk.ch07.models:instance_norm", "adlk.ch07.models:encoder_layer", "adlk.ch07.models:decoder_layer",
           "adlk.ch07.models:build_generator", "adlk.ch07.models:build_discriminator",
           "adlk.ch07.models:adversarial_loss", "adlk.ch07.models:discriminator_loss", "adlk.ch07.models:cycle_loss",
           "adlk.ch07.models:generator_objective", "adlk.ch07.models:CycleGAN", "adlk.ch07.models:book_optimizers",
           "adlk.ch07.models:build_cyclegan", "adlk.ch07.models:train_cyclegan", "adlk.ch07.data:load_mnist_mnistm",
           "adlk.ch07.data:load_grey_colour", "adlk.ch07.data:halves", "adlk.ch07.data:to_grey",
           "adlk.ch07.experiments:build_mnistm_judge", "adlk.ch07.experiments:score_snapshot",
           "adlk.ch07.experiments:train_and_score", "adlk.ch04.quality:build_judge",
           "adlk.ch03.data:color_votes", "adlk.ch03.data:load_colored_mnist")


def cyclegan_row(row: str, data: str, kernel_size: int, steps: int, shown: str) -> Run:
    """CycleGAN 表的一行（书中的设置，步数按 CPU 预算）。"""
    params = {"data": data, "steps": steps, "batch_size": 32, "kernel_size": kernel_size, "patchgan": True,
              "identity": False, "chunk": 250}
    return Run(row, params, show={"数据（书中）": shown, "卷积核": f"{kernel_size}×{kernel_size}",
                                  "步数": f"{steps:,}（书中 {BOOK_STEPS:,}）"})


TABLES = (
    Table(chapter="ch07", name="judge", title="MNIST-M 风格数字的分类器：给翻译结果打分用（本站）",
          task="adlk.ch07.experiments:run_judge", metrics=JUDGE_METRICS,
          sources=("adlk.ch07.experiments:build_mnistm_judge", "adlk.ch07.experiments:judge_arrays",
                   "adlk.ch04.quality:build_judge", "adlk.ch07.data:to_grey"),
          runs=(Run("mnistm", {"epochs": 2, "batch_size": 128, "optimizer": "adam"}),)),
    Table(chapter="ch07", name="digits", title=f"CycleGAN：MNIST ↔ MNIST-M 风格数字（代替书中的 MNIST ↔ SVHN；CPU 预算 {DIGIT_STEPS:,} 步）",
          task="adlk.ch07.experiments:run_cyclegan", metrics=DIGIT_METRICS, show_columns=SHOW, sources=SOURCES,
          runs=(cyclegan_row("cyclegan", "mnist_mnistm", 5, DIGIT_STEPS, "MNIST ↔ MNIST-M 风格（MNIST ↔ SVHN）"),)),
    Table(chapter="ch07", name="colour", title=f"CycleGAN：灰度 ↔ 按类别着色的数字（代替书中的 CIFAR-10 灰度 ↔ 彩色；CPU 预算 {COLOUR_STEPS:,} 步）",
          task="adlk.ch07.experiments:run_cyclegan", metrics=COLOUR_METRICS, show_columns=SHOW, sources=SOURCES,
          runs=(cyclegan_row("cyclegan", "grey_colour", 3, COLOUR_STEPS, "灰度 ↔ 着色数字（CIFAR-10 灰度 ↔ 彩色）"),)),
)
"""第 7 章的全部表。"""


# ------------------------------------------------------------ 打分用的分类器


def build_mnistm_judge() -> Any:
    """MNIST-M 风格数字的分类器：与第 4 章的评判网络同样的三层卷积结构，输入 32×32×3。"""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(32, 32, 3), name="image")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10, activation="softmax", name="digit")(x)
    return keras.Model(inputs, outputs, name="mnistm_judge")


def judge_arrays(model: Any) -> dict[str, np.ndarray]:
    """分类器的权重，按顺序存成 ``w00``、``w01``……（float16）。"""
    return {f"w{i:02d}": np.asarray(w, dtype=np.float16) for i, w in enumerate(model.get_weights())}


def judge_weights_path(device: str = "cpu") -> Path:
    """记录下来的分类器权重（``docs/results/<device>/ch07/judge/mnistm-weights.npz``）。"""
    return Path(__file__).resolve().parent.parent.parent / "docs" / "results" / device / "ch07" / "judge" / "mnistm-weights.npz"


def load_mnistm_judge(path: str | Path | None = None) -> Any:
    """搭建分类器并读入记录下来的权重。

    Raises:
        ValueError: 权重文件不存在；消息里给出生成它的命令。
    """
    path = Path(path) if path is not None else judge_weights_path()
    if not path.is_file():
        raise ValueError(f"classifier weights {path} not found: run `python -m adlk reproduce ch07/judge` first")
    model = build_mnistm_judge()
    with np.load(path) as f:
        model.set_weights([f[f"w{i:02d}"].astype("float32") for i in range(len(f.files))])
    return model


def crop28(images: np.ndarray) -> np.ndarray:
    """32×32 的图取中间 28×28（补边的逆操作），给第 4 章的评判网络用。"""
    return np.asarray(images)[:, 2:30, 2:30]


def grey3(images: np.ndarray) -> np.ndarray:
    """1 个通道的图重复成 3 个通道。"""
    return np.repeat(np.asarray(images), 3, axis=-1)


def run_judge(run: Run, ctx) -> TaskResult:
    """训练 MNIST-M 风格数字的分类器（Adam，按行的轮数），记下三个准确率，把权重存成 ``weights`` 文件。

    ``on_mnist_accuracy`` 是它直接判 MNIST 测试图（补成 32×32、重复成 3 个通道）的准确率，
    ``ch04_judge_on_grey_accuracy`` 是第 4 章的评判网络判 MNIST-M 风格测试图的灰度版（取中间 28×28）的准确率：
    两者说明“不翻译”时另一个域的分类器能认出多少，是读“保住数字”这一栏的参照。
    """
    import keras

    from adlk.ch04.quality import load_judge
    from adlk.ch07.data import pad32, to_grey
    from adlk.datasets import load_mnist, load_mnistm

    p = run.params
    (x_train, y_train), (x_test, y_test) = load_mnistm(profile=ctx.profile)
    (_, _), (d_test, dy_test) = load_mnist(profile=ctx.profile)
    keras.utils.set_random_seed(ctx.seed)
    judge = build_mnistm_judge()
    judge.compile(optimizer=p["optimizer"], loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    epochs = ctx.profile.cap(p["epochs"], "epochs")
    history = judge.fit(x_train.astype("float32") / 255, y_train, epochs=epochs, batch_size=p["batch_size"], verbose=2)
    _, accuracy = judge.evaluate(x_test.astype("float32") / 255, y_test, verbose=0)
    ctx.save_npz("weights", **judge_arrays(judge))
    mnist = grey3(pad32(d_test)).astype("float32") / 255
    on_mnist = float(np.mean(judge.predict(mnist, batch_size=256, verbose=0).argmax(1) == dy_test))
    ch04 = load_judge(ch04_judge_path(ctx))
    grey = crop28(to_grey(x_test)).astype("float32") / 255
    on_grey = float(np.mean(ch04.predict(grey, batch_size=256, verbose=0).argmax(1) == y_test[:, 0]))
    return TaskResult(
        metrics={"test_accuracy": float(accuracy), "on_mnist_accuracy": on_mnist,
                 "ch04_judge_on_grey_accuracy": on_grey, "parameters": float(judge.count_params())},
        history={k: [float(v) for v in vals] for k, vals in history.history.items()},
        counts={"parameters": int(judge.count_params()), "epochs": epochs, "train_samples": int(len(x_train)),
                "test_samples": int(len(x_test))},
    )


def ch04_judge_path(ctx) -> Path:
    """第 4 章评判网络的权重：与本行结果同一个结果目录下的 ``ch04/judge``，没有时用 CPU 记录里的那一份。"""
    from adlk.ch04.quality import judge_weights_path as ch04_weights

    if ctx.artifact_dir is not None:
        near = ctx.artifact_dir.parent.parent / "ch04" / "judge" / "cnn-weights.npz"
        if near.is_file():
            return near
    return ch04_weights()


def mnistm_judge_path(ctx) -> Path:
    """本章分类器的权重：与本行结果同一个结果目录下的 ``ch07/judge``，没有时用 CPU 记录里的那一份。"""
    if ctx.artifact_dir is not None:
        near = ctx.artifact_dir.parent / "judge" / "mnistm-weights.npz"
        if near.is_file():
            return near
    return judge_weights_path()


# ------------------------------------------------------------ CycleGAN


def _uint8(images: np.ndarray) -> np.ndarray:
    return (np.clip(np.asarray(images, dtype="float32"), 0, 1) * 255).round().astype(np.uint8)


def translate(model: Any, source: np.ndarray, target: np.ndarray) -> dict[str, np.ndarray]:
    """两个方向各翻译一次、再翻译回来（输入是 [0, 1] 的 float32），返回四组 [0, 1] 的图像。"""
    fake_target = model.g_target.predict(source, batch_size=100, verbose=0)
    fake_source = model.g_source.predict(target, batch_size=100, verbose=0)
    return {"fake_target": fake_target, "fake_source": fake_source,
            "cycled_source": model.g_source.predict(fake_target, batch_size=100, verbose=0),
            "cycled_target": model.g_target.predict(fake_source, batch_size=100, verbose=0)}


def score_snapshot(out: dict[str, np.ndarray], source: np.ndarray, target: np.ndarray, domains: Any,
                   judges: dict[str, Any]) -> dict[str, float]:
    """一个时刻的分数：两个方向的循环重建 MAE，再按数据加上“保住数字”或“涂对颜色”的量。

    Args:
        out: :func:`translate` 的结果。
        source: 源域 → 目标域翻译的输入（[0, 1]）。
        target: 目标域 → 源域翻译的输入（[0, 1]）。
        domains: :class:`adlk.ch07.data.Domains`（测试集的标签、笔画与成对的真实图）。
        judges: ``{"target": 目标域的分类器, "source": 源域的分类器}``（数字实验），或空字典（着色实验）。
    """
    from adlk.ch03 import color_votes

    n = len(source)
    scores = {"cycle_mae_source": float(np.mean(np.abs(out["cycled_source"] - source))),
              "cycle_mae_target": float(np.mean(np.abs(out["cycled_target"] - target)))}
    if judges:
        labels_s, labels_t = domains.test_source_labels[:n], domains.test_target_labels[:len(target)]
        pred_t = judges["target"].predict(out["fake_target"], batch_size=256, verbose=0).argmax(1)
        pred_s = judges["source"].predict(crop28(out["fake_source"]), batch_size=256, verbose=0).argmax(1)
        scores["label_kept_target"] = float(np.mean(pred_t == labels_s))
        scores["label_kept_source"] = float(np.mean(pred_s == labels_t))
    else:
        votes = color_votes(out["fake_target"], domains.test_source_digits[:n])
        scores["colour_accuracy"] = float(np.mean(votes == domains.test_source_labels[:n]))
        pair = domains.test_target_pair[:n].astype("float32") / 255
        scores["colour_mae"] = float(np.mean(np.abs(out["fake_target"] - pair)))
        # 彩色 → 灰度的真值：被翻译的彩色测试图自己的灰度版
        from adlk.ch07.data import to_grey

        truth = to_grey(domains.test_target[:len(target)]).astype("float32") / 255
        scores["grey_mae"] = float(np.mean(np.abs(out["fake_source"] - truth)))
    return scores


def snapshot_steps(steps: int) -> list[int]:
    """保存翻译结果的时刻：训练前、1/4、1/2 和最后一步。"""
    return sorted({0, steps // 4, steps // 2, steps})


def train_and_score(run: Run, ctx) -> TaskResult:
    """训练一行 CycleGAN 并在 :func:`snapshot_steps` 的各个时刻打分（检查点间隔 ``params["chunk"]`` 步）。"""
    import keras

    from adlk.ch04.quality import load_judge
    from adlk.ch07.data import load_grey_colour, load_mnist_mnistm
    from adlk.ch07.models import build_cyclegan, train_cyclegan

    p = run.params
    loaders = {"mnist_mnistm": load_mnist_mnistm, "grey_colour": load_grey_colour}
    if p["data"] not in loaders:
        raise ValueError(f"unknown data {p['data']!r}; valid: {', '.join(loaders)}")
    domains = loaders[p["data"]](ctx.profile)
    source = domains.source.astype("float32") / 255
    target = domains.target.astype("float32") / 255
    test_source = domains.test_source[:EVAL_SAMPLES].astype("float32") / 255
    test_target = domains.test_target[:EVAL_SAMPLES].astype("float32") / 255
    judges = {}
    if p["data"] == "mnist_mnistm":
        judges = {"target": load_mnistm_judge(mnistm_judge_path(ctx)), "source": load_judge(ch04_judge_path(ctx))}

    keras.utils.set_random_seed(ctx.seed)
    model = build_cyclegan(source.shape[1:], target.shape[1:], p["kernel_size"], p["patchgan"], p["identity"])
    steps = ctx.profile.cap(p["steps"], "steps")
    marks = snapshot_steps(steps)
    keep: dict[str, np.ndarray] = {}
    names = tuple(m.key for m in (DIGIT_METRICS if judges else COLOUR_METRICS))

    def snapshot(step: int) -> None:
        if step not in marks or f"scores_{step:06d}" in keep:
            return
        out = translate(model, test_source, test_target)
        s = score_snapshot(out, test_source, test_target, domains, judges)
        keep[f"scores_{step:06d}"] = np.array([s[k] for k in names], dtype=np.float64)
        for k, v in out.items():
            keep[f"{k}_{step:06d}"] = _uint8(v[:GRID])

    history = train_cyclegan(model, source, target, steps=steps, batch_size=p["batch_size"], ctx=ctx,
                             chunk=p.get("chunk", 250), on_step=snapshot, keep=keep)
    scores = np.array([keep[f"scores_{s:06d}"] for s in marks])
    arrays = {k: np.stack([keep[f"{k}_{s:06d}"] for s in marks]) for k in
              ("fake_target", "fake_source", "cycled_source", "cycled_target")}
    ctx.save_npz("samples", source=domains.test_source[:GRID], target=domains.test_target[:GRID],
                 steps=np.array(marks, dtype=np.int32), source_labels=domains.test_source_labels[:GRID].astype(np.uint8),
                 target_labels=domains.test_target_labels[:GRID].astype(np.uint8), **arrays)
    metrics = {k: float(v) for k, v in zip(names, scores[-1])}
    for k in ("d_target_loss", "d_source_loss", "adv_loss", "cycle_loss", "g_loss"):
        metrics[f"final_{k}"] = float(history[k][-1])
    history["snapshot_step"] = [int(s) for s in marks]
    for j, name in enumerate(names):
        history[f"snapshot_{name}"] = [float(v) for v in scores[:, j]]
    g = model.g_target.count_params() + model.g_source.count_params()
    d = model.d_target.count_params() + model.d_source.count_params()
    return TaskResult(
        metrics=metrics, history=history,
        counts={"steps": steps, "batch_size": p["batch_size"], "generator_parameters": g,
                "discriminator_parameters": d, "parameters": g + d, "source_train": int(len(source)),
                "target_train": int(len(target)), "eval_samples": int(len(test_source))},
        extra={"domains": list(domains.names)},
    )


def run_cyclegan(run: Run, ctx) -> TaskResult:
    """第 7 章的 CycleGAN 任务：``params["data"]`` 为 ``"mnist_mnistm"`` 或 ``"grey_colour"``。"""
    return train_and_score(run, ctx)
