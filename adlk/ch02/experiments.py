"""第 2 章的对比表：MNIST 上的函数式 CNN 与 Y 形网络，以及替代数据集上的 ResNet / DenseNet 短跑。

- ``mnist``：书中 2.1 节的两个模型（批大小、优化器、Dropout 与书中相同），轮数按 CPU 预算减少；
- ``deep``：同一份预算（相同的训练样本数、轮数、批大小）下的 ResNet v1、ResNet v2 与 DenseNet-BC，
  数据是 :func:`adlk.datasets.load_mnistm`（CIFAR-10 离线不可得）；书中的 CIFAR-10 数值只作对照。

``python -m adlk reproduce ch02`` 运行全部行，结果写入 ``docs/results/cpu/ch02/``。
"""

from __future__ import annotations

import time

import numpy as np

from adlk.runs.spec import Metric, Run, Table, TaskResult, by_name

MNIST_METRICS = (
    Metric("train_accuracy", "训练 %", scale=100),
    Metric("test_accuracy", "测试 %", scale=100, primary=True),
)
DEEP_METRICS = (
    Metric("train_accuracy", "训练 %（最后一轮，带增强）", scale=100),
    Metric("test_accuracy", "测试 %（本站：替代数据集；书中：CIFAR-10）", scale=100, primary=True),
    Metric("parameters_m", "参数（百万）", digits=2, higher_is_better=None),
)

DEEP_BUDGET = {"train_samples": 3000, "test_samples": 2000, "epochs": 2, "batch_size": 32}
"""``deep`` 表每一行的统一预算：训练样本（每类 300 张）、测试样本（每类 200 张）、轮数、批大小（书中为 32）。"""

_MNIST_SOURCES = ("adlk.ch02.models:build_cnn_functional", "adlk.ch02.models:build_y_network")
_DEEP_SOURCES = ("adlk.ch02.models:resnet_layer", "adlk.ch02.models:resnet_v1", "adlk.ch02.models:resnet_v2",
                 "adlk.ch02.models:densenet_bc", "adlk.ch02.models:augmentation", "adlk.ch02.models:lr_schedule",
                 "adlk.ch02.train:build_named", "adlk.ch02.train:prepare", "adlk.ch02.train:compile_book",
                 "adlk.ch02.train:with_augmentation", "adlk.datasets.mnistm:load_mnistm",
                 "adlk.training:fit_resumable")


def _deep(row: str, model: str, book: float | None, shown: str) -> Run:
    return Run(row, {"model": model, **DEEP_BUDGET}, book={} if book is None else {"test_accuracy": book},
               show={"模型": shown})


TABLES = (
    Table(chapter="ch02", name="mnist", title="函数式 CNN 与 Y 形网络（MNIST，书中 2.1 节）",
          task="adlk.ch02.experiments:run_mnist", metrics=MNIST_METRICS,
          runs=(
              # 两行都按书中的设置训练 20 轮（批大小分别是 128 和 32）
              Run("cnn", {"model": "cnn_functional", "epochs": 20, "batch_size": 128}, book={"test_accuracy": 99.3},
                  show={"模型": "函数式 CNN", "轮数": "20"}),
              Run("y-network", {"model": "y_network", "epochs": 20, "batch_size": 32},
                  book={"test_accuracy": 99.4}, show={"模型": "Y 形网络", "轮数": "20"}),
          ),
          show_columns=("模型", "轮数"), sources=_MNIST_SOURCES, timing="wall"),
    Table(chapter="ch02", name="deep",
          title="ResNet 与 DenseNet：书中（CIFAR-10，200 轮）与本站（替代数据集，短跑）",
          task="adlk.ch02.experiments:run_deep", metrics=DEEP_METRICS,
          runs=(
              # 按优先次序排列：预算用完时，后面的行留到下一次运行
              _deep("resnet20v1", "resnet20v1", 92.16, "ResNet20 v1"),
              _deep("resnet56v1", "resnet56v1", 92.71, "ResNet56 v1"),
              _deep("resnet20v2", "resnet20v2", None, "ResNet20 v2"),
              _deep("densenet-bc-40", "densenet-bc-40", None, "DenseNet-BC（深度 40，k = 12）"),
              _deep("resnet32v1", "resnet32v1", 92.46, "ResNet32 v1"),
          ),
          show_columns=("模型",), sources=_DEEP_SOURCES, timing="wall"),
)
"""第 2 章的全部表。"""


def table(name: str) -> Table:
    """第 2 章的表 ``name``（``mnist``、``deep``）。

    Raises:
        ValueError: 表名无效；消息里列出有效值。
    """
    return by_name(TABLES, name)


def _epoch_timer():
    from adlk.training import EpochTimer

    return EpochTimer()


def run_mnist(run: Run, ctx) -> TaskResult:
    """训练并评估 MNIST 表的一行：书中 2.1 节的函数式 CNN 或 Y 形网络（Adam、书中的批大小）。"""
    import keras

    from adlk.ch02.models import BUILDERS
    from adlk.datasets import load_mnist
    from adlk.training import fit_resumable

    p = run.params
    if p["model"] not in ("cnn_functional", "y_network"):
        raise ValueError(f"unknown model {p['model']!r} for table ch02/mnist; valid: cnn_functional, y_network")
    (x_train, y_train), (x_test, y_test) = load_mnist(profile=ctx.profile)
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
    x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255
    y_train, y_test = keras.utils.to_categorical(y_train, 10), keras.utils.to_categorical(y_test, 10)
    ctx.reseed(-1)
    model = BUILDERS[p["model"]]()
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    two = p["model"] == "y_network"  # 书中把同一张图送进 Y 形网络的两个输入
    xs_train, xs_test = ([x_train, x_train], [x_test, x_test]) if two else (x_train, x_test)
    timer = _epoch_timer()
    epochs = ctx.profile.cap(p["epochs"])
    start = time.perf_counter()
    history = fit_resumable(model, xs_train, y_train, epochs=epochs, ctx=ctx, batch_size=p["batch_size"],
                            validation_data=(xs_test, y_test), callbacks=[timer])
    train_seconds = time.perf_counter() - start
    test_loss, test_acc = model.evaluate(xs_test, y_test, batch_size=p["batch_size"], verbose=0)
    ctx.save_npz("curves", **{k: np.asarray(v, dtype=np.float16) for k, v in history.items()})
    return TaskResult(
        metrics={"train_accuracy": history["accuracy"][-1], "test_accuracy": float(test_acc),
                 "test_loss": float(test_loss)},
        history=history,
        counts={"parameters": int(model.count_params()), "epochs": epochs, "train_samples": int(len(y_train)),
                "test_samples": int(len(y_test)), "batch_size": p["batch_size"]},
        timing={"seconds_per_epoch": [round(s, 2) for s in timer.seconds], "train_seconds": round(train_seconds, 1)},
    )


def run_deep(run: Run, ctx) -> TaskResult:
    """训练并评估 deep 表的一行：书中的 ResNet / DenseNet 搭建与预处理，在替代数据集的分层子集上按统一预算训练。

    与书中相同：批大小 32，ResNet 用 Adam、减去逐像素均值，DenseNet 用 RMSprop，学习率调度 :func:`lr_schedule`，
    随机平移 0.1 的数据增强。与书中不同：不做水平翻转（数字翻转后不再是同一个数字），不用 ``ReduceLROnPlateau``
    与检查点回调（几轮之内都不起作用），训练样本、测试样本与轮数按 :data:`DEEP_BUDGET` 减少。
    """
    import keras

    from adlk.ch02.models import lr_schedule
    from adlk.ch02.train import build_named, compile_book, is_densenet, prepare, with_augmentation
    from adlk.datasets import load_mnistm, stratified_subset
    from adlk.training import fit_resumable

    p = run.params
    (x_train, y_train), (x_test, y_test) = load_mnistm(profile=ctx.profile)
    keep = stratified_subset(y_train[:, 0], p["train_samples"] // 10)
    x_train, y_train = x_train[keep], y_train[keep]
    test_index = stratified_subset(y_test[:, 0], p["test_samples"] // 10)  # 测试集中每类的前若干张
    x_test, y_test = x_test[test_index], y_test[test_index]
    densenet = is_densenet(p["model"])
    x_train, x_test = prepare(x_train, x_test, subtract_pixel_mean=not densenet)
    y_train, y_test = keras.utils.to_categorical(y_train, 10), keras.utils.to_categorical(y_test, 10)
    ctx.reseed(-1)
    base = build_named(p["model"])
    model = compile_book(with_augmentation(base, flip=False, seed=ctx.seed), densenet)
    timer = _epoch_timer()
    epochs = ctx.profile.cap(p["epochs"])
    start = time.perf_counter()
    history = fit_resumable(model, x_train, y_train, epochs=epochs, ctx=ctx, batch_size=p["batch_size"],
                            callbacks=[timer, keras.callbacks.LearningRateScheduler(lr_schedule)])
    train_seconds = time.perf_counter() - start
    test_loss, test_acc = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    # 测试图像在完整测试集中的下标与预测类别（几 KB），插图据此画出认错的样本
    preds = model.predict(x_test, batch_size=256, verbose=0).argmax(axis=1).astype(np.uint8)
    ctx.save_npz("predictions", index=test_index.astype(np.uint16), predicted=preds,
                 label=y_test.argmax(axis=1).astype(np.uint8))
    # 训练集上的准确率（不带增强）：取其中每类 100 张，省时间
    probe = stratified_subset(y_train.argmax(axis=1), 100)
    _, train_eval_acc = model.evaluate(x_train[probe], y_train[probe], batch_size=256, verbose=0)
    return TaskResult(
        metrics={"train_accuracy": history["accuracy"][-1], "train_eval_accuracy": float(train_eval_acc),
                 "test_accuracy": float(test_acc), "test_loss": float(test_loss),
                 "parameters_m": base.count_params() / 1e6},
        history=history,
        counts={"parameters": int(base.count_params()), "epochs": epochs, "train_samples": int(len(y_train)),
                "test_samples": int(len(y_test)), "batch_size": p["batch_size"], "layers": len(base.layers)},
        timing={"seconds_per_epoch": [round(s, 2) for s in timer.seconds], "train_seconds": round(train_seconds, 1)},
        extra={"data": "adlk.datasets.load_mnistm", "augmentation": "RandomTranslation(0.1, 0.1)",
               "optimizer": "RMSprop(1e-3)" if densenet else "Adam(1e-3)"},
    )
