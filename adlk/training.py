"""训练的公共部分：随机种子、编译、计时、可中断续跑的 fit，以及 CI 里安静的日志。

章节正文直接写 ``model.compile`` / ``model.fit``，让读者看到 Keras 本身；
对比表的运行器（:mod:`adlk.runs`）经第 1 章的任务函数用这里的 :func:`train_and_evaluate`，
两者的设置相同（优化器用 Keras 默认参数、categorical cross-entropy、accuracy）。
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import keras
import numpy as np

from adlk.progress import quiet_ci

if TYPE_CHECKING:
    from adlk.runs.context import RunContext

# 优化器名称 → Keras 3 的类；全部使用 Keras 的默认参数（与书中一致）
OPTIMIZERS: dict[str, type[keras.optimizers.Optimizer]] = {
    "sgd": keras.optimizers.SGD,
    "adam": keras.optimizers.Adam,
    "rmsprop": keras.optimizers.RMSprop,
}


def make_optimizer(name: str) -> keras.optimizers.Optimizer:
    """按名称创建优化器：``"adam"`` 用 Keras 默认参数；``"sgd:learning_rate=0.1,momentum=0.9"``
    这样的写法在冒号后给出参数（用 Keras 3 的参数名）。

    Raises:
        ValueError: 名称或参数无效；消息里列出有效值。
    """
    key, _, arg_text = name.lower().partition(":")
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; valid optimizers: {', '.join(OPTIMIZERS)}")
    kwargs: dict[str, float] = {}
    for item in filter(None, arg_text.split(",")):
        arg, _, value = item.partition("=")
        try:
            kwargs[arg.strip()] = float(value)
        except ValueError:
            raise ValueError(f"bad optimizer argument {item!r} in {name!r}; write name:arg=number,...") from None
    try:
        return OPTIMIZERS[key](**kwargs)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bad optimizer arguments in {name!r}: {exc}") from exc


def fit_verbose() -> int | str:
    """``model.fit`` 的 ``verbose``：交互运行用 Keras 的进度条，CI 中每轮一行。"""
    return 2 if quiet_ci() else "auto"


class EpochTimer(keras.callbacks.Callback):
    """记录每一轮训练的耗时（秒）。"""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:  # noqa: D102
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:  # noqa: D102
        self.seconds.append(time.perf_counter() - self._start)


@dataclass
class TrainResult:
    """一次训练与评估的结果。

    Attributes:
        train_accuracy: 最后一轮训练时 Keras 报告的准确率（书中表格的 Train 列即此值）。
        train_eval_accuracy: 训练结束后在整个训练集上评估的准确率（不带 Dropout）。
        test_accuracy: 测试集准确率。
        test_loss: 测试集损失。
        parameters: 模型参数总数。
        epochs: 实际训练的轮数。
        seconds_per_epoch: 每轮训练的耗时（秒），第 1 轮含图构建与编译。
        history: 每轮的 loss 与 accuracy。
    """

    train_accuracy: float
    train_eval_accuracy: float
    test_accuracy: float
    test_loss: float
    parameters: int
    epochs: int
    seconds_per_epoch: list[float] = field(default_factory=list)
    history: dict[str, list[float]] = field(default_factory=dict)

    @property
    def steady_seconds_per_epoch(self) -> float:
        """去掉第 1 轮（含编译）后的平均每轮耗时；只训练 1 轮时就用那一轮。"""
        rest = self.seconds_per_epoch[1:] or self.seconds_per_epoch
        return float(np.mean(rest))


def train_and_evaluate(
    model: keras.Model,
    data: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    optimizer: str = "adam",
    epochs: int = 20,
    batch_size: int = 128,
    seed: int = 0,
    steps_per_execution: int = 1,
    verbose: int | str | None = None,
) -> TrainResult:
    """编译、训练并评估一个分类模型。

    Args:
        model: 未编译的模型（调用前应已用同一个 ``seed`` 调过 ``keras.utils.set_random_seed``）。
        data: ``((x_train, y_train), (x_test, y_test))``，y 为 one-hot。
        optimizer: ``"sgd"``、``"adam"`` 或 ``"rmsprop"``（Keras 默认参数）。
        epochs: 训练轮数。
        batch_size: 批大小。
        seed: 随机种子，用于打乱数据与 Dropout。
        steps_per_execution: 每次调用编译后的函数执行多少步；结果不变，小模型上更快。
        verbose: ``model.fit`` 的 ``verbose``；省略时见 :func:`fit_verbose`。

    Returns:
        :class:`TrainResult`。
    """
    (x_train, y_train), (x_test, y_test) = data
    keras.utils.set_random_seed(seed)
    model.compile(
        loss="categorical_crossentropy",
        optimizer=make_optimizer(optimizer),
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    timer = EpochTimer()
    history = model.fit(
        x_train,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        callbacks=[timer],
        verbose=fit_verbose() if verbose is None else verbose,
    )
    _, train_eval_acc = model.evaluate(x_train, y_train, batch_size=batch_size, verbose=0)
    test_loss, test_acc = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0)
    return TrainResult(
        train_accuracy=float(history.history["accuracy"][-1]),
        train_eval_accuracy=float(train_eval_acc),
        test_accuracy=float(test_acc),
        test_loss=float(test_loss),
        parameters=int(model.count_params()),
        epochs=epochs,
        seconds_per_epoch=[round(s, 3) for s in timer.seconds],
        history={k: [float(v) for v in vals] for k, vals in history.history.items()},
    )


def fit_resumable(model: keras.Model, x: Any, y: Any = None, *, epochs: int, ctx: RunContext,
                  batch_size: int | None = None, validation_data: Any = None, callbacks: list | None = None,
                  verbose: int | str | None = None, **fit_kwargs: Any) -> dict[str, list[float]]:
    """像 ``model.fit`` 一样训练 ``epochs`` 轮，但逐轮进行：每轮开始时按 ``(seed, 轮次)`` 重新设定随机种子，
    每轮结束后（至多每隔 ``ctx.every_seconds`` 秒）保存检查点（权重、优化器状态、轮次、历史），
    打断后再运行时从最后一个检查点继续，结果与不打断时相同。供运行器的任务函数使用。

    Args:
        model: 已编译的模型。
        x: 训练输入，同 ``model.fit``。
        y: 训练目标，同 ``model.fit``。
        epochs: 总轮数。
        ctx: :class:`adlk.runs.context.RunContext`（提供种子、检查点与时间预算）。
        batch_size: 批大小，同 ``model.fit``。
        validation_data: 验证数据，同 ``model.fit``。
        callbacks: 回调，同 ``model.fit``。
        verbose: ``model.fit`` 的 ``verbose``；省略时见 :func:`fit_verbose`。
        **fit_kwargs: 其余传给 ``model.fit`` 的参数。

    Returns:
        与 ``History.history`` 相同形式的逐轮记录（包括恢复之前的轮次）。

    Raises:
        adlk.runs.context.RunDeferred: 时间预算用完；此前已保存检查点。
    """
    from adlk.runs.context import RunDeferred, keras_state, load_keras_state

    history: dict[str, list[float]] = {}
    start = 0
    restored = ctx.restore()
    if restored is not None:
        state, arrays = restored
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        load_keras_state(arrays, model, model.optimizer)
        history, start = state["history"], int(state["epoch"])
    for epoch in range(start, epochs):
        ctx.reseed(epoch)
        h = model.fit(x, y, batch_size=batch_size, epochs=epoch + 1, initial_epoch=epoch,
                      validation_data=validation_data, callbacks=list(callbacks or []),
                      verbose=(fit_verbose() if ctx.verbose is None else ctx.verbose) if verbose is None else verbose,
                      **fit_kwargs)
        for k, v in h.history.items():
            history.setdefault(k, []).extend(float(a) for a in v)
        if epoch + 1 < epochs:
            late = ctx.out_of_time()
            ctx.checkpoint({"epoch": epoch + 1, "history": history}, keras_state(model, model.optimizer), force=late)
            if late:
                raise RunDeferred(f"stopped after epoch {epoch + 1} of {epochs} (time budget); checkpoint saved")
    return history
