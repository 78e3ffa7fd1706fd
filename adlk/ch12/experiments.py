"""第 12 章的对比表：书中的 FCN（带特征金字塔）与去掉金字塔的对照，在数字场景上按同一份 CPU 预算训练。

每一行训练一个 FCN（第 2 章的 ResNet v2 骨干），在固定的一组测试场景上逐像素预测，把预测的类别图和真值一起
存成工件 ``masks.npz``；表中的每个数（mIoU、书中逐图平均的 mIoU、像素准确率、逐类 IoU）都由这份工件算出
（:func:`scores_from_artifact`）。``python -m adlk reproduce ch12/fcn`` 运行全部行，结果写入 ``docs/results/cpu/ch12/``。
"""

from __future__ import annotations

import time

import numpy as np

from adlk.runs.spec import Metric, Run, Table, TaskResult, by_name

METRICS = (
    Metric("miou", "mIoU（11 类）", digits=3, primary=True),
    Metric("book_miou", "逐图平均的 mIoU（书中的算法）", digits=3),
    Metric("pixel_accuracy", "像素准确率 %", scale=100, digits=1),
)

BUDGET = {"size": 64, "n_layers": 3, "n": 2, "filters": 64, "train_scenes": 2000, "test_scenes": 500, "epochs": 7,
          "batch_size": 4}
"""每一行相同的预算：画布边长、金字塔层数、ResNet v2 的 n、头部滤波器数、训练与测试场景数、轮数、批大小。"""
N_IMAGES = 8
"""工件里存下原图的测试场景数（插图用）。"""

_SOURCES = ("adlk.ch12.models:build_backbone", "adlk.ch12.models:build_fcn", "adlk.ch12.models:conv_layer",
            "adlk.ch12.models:tconv_layer", "adlk.ch12.models:lr_schedule", "adlk.ch12.data:SegmentationData",
            "adlk.ch12.data:class_map", "adlk.ch12.data:predict_masks", "adlk.ch12.metrics:confusion_matrix",
            "adlk.ch12.metrics:per_class_iou", "adlk.ch12.metrics:mean_iou", "adlk.ch12.metrics:pixel_accuracy",
            "adlk.ch12.metrics:book_miou", "adlk.ch12.metrics:scores", "adlk.ch12.experiments:scores_from_artifact",
            "adlk.datasets.scenes:make_scenes", "adlk.datasets.scenes:render_digit",
            "adlk.datasets.scenes:resize_linear", "adlk.ch02.models:resnet_v2", "adlk.ch02.models:resnet_layer",
            "adlk.training:fit_resumable")


TABLES = (
    Table(chapter="ch12", name="fcn",
          title="书中的 FCN 与去掉特征金字塔的对照：数字场景（11 类），CPU 预算",
          task="adlk.ch12.experiments:run_fcn", metrics=METRICS,
          runs=(
              # 书中只报告了带金字塔的 FCN 在 drinks 测试集上的最好 mIoU（逐图平均的算法）
              Run("fcn", {"pyramid": True, **BUDGET}, book={"book_miou": 0.91}, show={"模型": "FCN + 特征金字塔（书中）"}),
              Run("no-pyramid", {"pyramid": False, **BUDGET}, show={"模型": "FCN，只用步长 4 的特征"}),
          ),
          show_columns=("模型",), sources=_SOURCES, timing="wall"),
)
"""第 12 章的全部表。"""


def table(name: str) -> Table:
    """第 12 章的表 ``name``（``fcn``）。

    Raises:
        ValueError: 表名无效；消息里列出有效值。
    """
    return by_name(TABLES, name)


def scores_from_artifact(arrays: dict[str, np.ndarray]) -> dict[str, float]:
    """由工件 ``masks.npz``（``truth``、``pred``：(N, H, W) 的类别图）算出表中的度量与逐类 IoU（``iou_<k>``）。"""
    from adlk.ch12.metrics import scores
    from adlk.datasets.scenes import NUM_CLASSES

    s = scores(arrays["truth"], arrays["pred"], NUM_CLASSES)
    out = {"miou": s["miou"], "book_miou": s["book_miou"], "pixel_accuracy": s["pixel_accuracy"]}
    out.update({f"iou_{k}": v for k, v in enumerate(s["iou"]) if v is not None})
    return out


def run_fcn(run: Run, ctx) -> TaskResult:
    """训练并评估一行：FCN（``pyramid`` 为真时带书中的特征金字塔），按 :data:`BUDGET` 训练。

    与书中相同：Adam（学习率 1e-3）与书中的学习率表（按轮数比例缩放）、类别交叉熵、独热掩码、图像缩放到 [0, 1]、
    逐像素取概率最大的类别。与书中不同：数据是数字场景（:func:`adlk.datasets.load_digit_scenes`，11 类），
    画布、主干深度、头部滤波器数、批大小与轮数按 CPU 预算取 :data:`BUDGET`。
    """
    import keras

    from adlk.ch12.data import SegmentationData, predict_masks
    from adlk.ch12.models import build_backbone, build_fcn, lr_schedule
    from adlk.datasets.scenes import NUM_CLASSES, load_digit_scenes
    from adlk.training import fit_resumable

    p = run.params
    small = not ctx.profile.is_full
    n_train = min(p["train_scenes"], 64) if small else p["train_scenes"]
    n_test = min(p["test_scenes"], 32) if small else p["test_scenes"]
    train, test = load_digit_scenes(ctx.profile, p["size"], n_train=n_train, n_test=n_test)
    shape = train.images.shape[1:]
    ctx.reseed(-1)
    backbone = build_backbone(shape, n_layers=p["n_layers"], n=p["n"])
    model = build_fcn(shape, backbone, NUM_CLASSES, filters=p["filters"], pyramid=p["pyramid"])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="categorical_crossentropy")
    data = SegmentationData(train, NUM_CLASSES, batch_size=p["batch_size"], seed=ctx.seed)
    epochs = ctx.profile.cap(p["epochs"])

    class EpochOrder(keras.callbacks.Callback):
        """每轮开始时把数据的读取顺序设为这一轮的顺序（续跑时与不打断时相同）。"""

        def on_epoch_begin(self, epoch, logs=None):
            data.set_epoch(epoch)

    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch: lr_schedule(epoch, epochs))
    start = time.perf_counter()
    history = fit_resumable(model, data, epochs=epochs, ctx=ctx, callbacks=[EpochOrder(), scheduler])
    train_seconds = time.perf_counter() - start

    arrays = {"truth": test.masks, "pred": predict_masks(model, test.images), "images": test.images[:N_IMAGES]}
    ctx.save_npz("masks", **arrays)
    metrics = scores_from_artifact(arrays)
    return TaskResult(
        metrics=metrics,
        history={k: [float(v) for v in vs] for k, vs in history.items()},
        counts={"parameters": int(model.count_params()), "epochs": epochs, "train_scenes": len(train),
                "test_scenes": len(test), "batch_size": p["batch_size"], "steps": epochs * len(data)},
        timing={"train_seconds": round(train_seconds, 1)},
    )
