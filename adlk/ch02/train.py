"""书中 ResNet / DenseNet 的完整训练（200 轮、学习率调度、数据增强、检查点），Keras 3 写法，一条命令即可运行。

有 GPU 的读者用它在 CIFAR-10 上重做书中的实验::

    python -m adlk.ch02.train resnet20v1                 # 书中默认：ResNet20 v1，200 轮，批大小 32
    python -m adlk.ch02.train resnet110v2 --epochs 200
    python -m adlk.ch02.train densenet-bc-100
    python -m adlk.ch02.train resnet20v1 --data mnistm   # 离线：在替代数据集上

本章对比表的每一行（``adlk.ch02.experiments``）用同一组函数（:func:`build_named`、:func:`prepare`、
:func:`compile_book`）训练，只是轮数和训练样本少得多。
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from pathlib import Path

import keras
import numpy as np

from adlk.ch02.models import augmentation, densenet_bc, lr_schedule, resnet_v1, resnet_v2

DATASETS = ("cifar10", "mnistm")


def build_named(name: str, input_shape: tuple[int, int, int] = (32, 32, 3), num_classes: int = 10) -> keras.Model:
    """按名字搭建模型：``resnet20v1``、``resnet56v2``、``densenet-bc-100``（可加 ``-k24`` 指定增长率）。

    Raises:
        ValueError: 名字无法识别，或深度不合规则；消息里给出有效的写法。
    """
    key = name.strip().lower()
    m = re.fullmatch(r"resnet(\d+)v([12])", key)
    if m:
        build = resnet_v1 if m.group(2) == "1" else resnet_v2
        return build(int(m.group(1)), input_shape=input_shape, num_classes=num_classes)
    m = re.fullmatch(r"densenet-bc-(\d+)(?:-k(\d+))?", key)
    if m:
        return densenet_bc(int(m.group(1)), growth_rate=int(m.group(2) or 12), input_shape=input_shape,
                           num_classes=num_classes)
    raise ValueError(f"unknown model {name!r}; write resnet<depth>v1 (depth 6n+2, e.g. resnet20v1), "
                     "resnet<depth>v2 (depth 9n+2, e.g. resnet56v2) or densenet-bc-<depth>[-k<growth>] "
                     "(e.g. densenet-bc-100)")


def is_densenet(name: str) -> bool:
    """名字是否指 DenseNet（它的预处理与优化器和 ResNet 不同）。"""
    return name.strip().lower().startswith("densenet")


def prepare(x_train: np.ndarray, x_test: np.ndarray, subtract_pixel_mean: bool) -> tuple[np.ndarray, np.ndarray]:
    """书中的预处理：缩放到 [0, 1]；ResNet 还减去训练集的逐像素均值（DenseNet 不减）。"""
    x_train = x_train.astype("float32") / 255
    x_test = x_test.astype("float32") / 255
    if subtract_pixel_mean:
        mean = x_train.mean(axis=0)
        x_train, x_test = x_train - mean, x_test - mean
    return x_train, x_test


def compile_book(model: keras.Model, densenet: bool) -> keras.Model:
    """书中的编译设置：ResNet 用 ``Adam(learning_rate=1e-3)``，DenseNet 用 ``RMSprop(learning_rate=1e-3)``。"""
    optimizer = keras.optimizers.RMSprop(learning_rate=1e-3) if densenet else keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


def with_augmentation(model: keras.Model, flip: bool, seed: int | None = None) -> keras.Model:
    """把数据增强层（:func:`~adlk.ch02.models.augmentation`）放在模型最前面；只在训练时生效。"""
    inputs = keras.Input(shape=model.input_shape[1:])
    return keras.Model(inputs, model(augmentation(flip=flip, seed=seed)(inputs)), name=f"{model.name}_augmented")


def book_callbacks(save_dir: Path, model_name: str) -> list[keras.callbacks.Callback]:
    """书中的三个回调，Keras 3 写法：按 ``val_accuracy`` 保存最好的 ``.keras`` 模型、学习率调度、平台期乘以 √0.1。

    与书中一样，``LearningRateScheduler`` 在每轮开始时按表重设学习率，所以 ``ReduceLROnPlateau`` 降低的学习率
    一步也用不上（见 docs/ch02/resnet.md 的“学习率调度”）；保留它只是为了与书中的代码一致。"""
    save_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = keras.callbacks.ModelCheckpoint(filepath=str(save_dir / f"{model_name}.{{epoch:03d}}.keras"),
                                                 monitor="val_accuracy", verbose=1, save_best_only=True)
    lr_scheduler = keras.callbacks.LearningRateScheduler(lr_schedule, verbose=1)
    lr_reducer = keras.callbacks.ReduceLROnPlateau(factor=math.sqrt(0.1), cooldown=0, patience=5, min_lr=0.5e-6)
    return [checkpoint, lr_reducer, lr_scheduler]


def load_data(name: str, profile=None):
    """``cifar10``（下载一次并缓存）或 ``mnistm``（离线替代数据集）。

    Raises:
        ValueError: 数据集名无效。
    """
    from adlk.datasets import load_cifar10, load_mnistm

    if name == "cifar10":
        return load_cifar10(profile)
    if name == "mnistm":
        return load_mnistm(profile)
    raise ValueError(f"unknown data set {name!r}; valid: {', '.join(DATASETS)}")


def main(argv: list[str] | None = None) -> int:
    """命令行入口：书中的完整训练。"""
    parser = argparse.ArgumentParser(prog="python -m adlk.ch02.train", description=__doc__.split("\n")[0])
    parser.add_argument("model", help="resnet20v1, resnet56v2, resnet110v2, densenet-bc-100, ...")
    parser.add_argument("--data", choices=DATASETS, default="cifar10")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--no-augmentation", action="store_true", help="train without shifts and flips")
    parser.add_argument("--save-dir", default="saved_models")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_data(args.data)
    densenet = is_densenet(args.model)
    x_train, x_test = prepare(x_train, x_test, subtract_pixel_mean=not densenet)
    y_train, y_test = keras.utils.to_categorical(y_train, 10), keras.utils.to_categorical(y_test, 10)
    model = build_named(args.model, input_shape=x_train.shape[1:])
    if not args.no_augmentation:
        # 手写数字左右翻转后不再是同一个数字：替代数据集上只平移
        model = with_augmentation(model, flip=args.data == "cifar10", seed=args.seed)
    compile_book(model, densenet)
    model.summary()
    start = time.perf_counter()
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_data=(x_test, y_test),
              shuffle=True, callbacks=book_callbacks(Path(args.save_dir), args.model))
    loss, acc = model.evaluate(x_test, y_test, batch_size=args.batch_size, verbose=0)
    print(f"{args.model} on {args.data}: test accuracy {100 * acc:.2f}%, loss {loss:.4f}, "
          f"{(time.perf_counter() - start) / 60:.1f} min")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
