"""第 11 章的对比表：书中表 11.13.1 的五种损失与偏移量组合，在数字场景上按同一份 CPU 预算训练。

每一行训练一个 SSD（第 2 章的 ResNet v2 骨干），在固定的一组测试场景上检测，把检测结果（框、类别、得分）
和真值一起存成工件 ``predictions.npz``；表中的每个数都由这份工件算出（:func:`scores_from_artifact`）。
``python -m adlk reproduce ch11/variants`` 运行全部行，结果写入 ``docs/results/cpu/ch11/``。
"""

from __future__ import annotations

import time

import numpy as np

from adlk.runs.spec import Metric, Run, Table, TaskResult, by_name

METRICS = (
    Metric("map50", "AP（IoU 0.5）", digits=3, primary=True),
    Metric("miou", "mIoU（书中的度量）", digits=2),
    Metric("precision", "精确率（书中的度量）", digits=2),
    Metric("recall", "召回率（书中的度量，TP / 真值框数）", digits=2),
    Metric("recall_repo", "召回率（书的仓库现行写法）", digits=2),
)

BUDGET = {"size": 64, "n_layers": 3, "n": 2, "train_scenes": 3000, "test_scenes": 500, "epochs": 16,
          "batch_size": 32, "threshold": 0.6}
"""每一行相同的预算：画布边长、特征层数、ResNet v2 的 n、训练与测试场景数、轮数、批大小、额外锚框的阈值。"""
SCORE_THRESHOLD = 0.5
"""书中的类别阈值：得分不低于它的检测计入书中的度量。"""
AP_SCORE_THRESHOLD = 0.01
"""存进工件的检测的最低得分：算 AP 需要低分的检测（精确率–召回率曲线的尾部）。"""
NMS_IOU = 0.2
"""书中 NMS 的 IoU 阈值。"""

_SOURCES = ("adlk.ch11.boxes:anchor_boxes", "adlk.ch11.boxes:anchor_sizes", "adlk.ch11.boxes:all_anchors",
            "adlk.ch11.boxes:iou", "adlk.ch11.boxes:encode", "adlk.ch11.boxes:decode", "adlk.ch11.boxes:match",
            "adlk.ch11.boxes:match_layers", "adlk.ch11.boxes:nms", "adlk.ch11.losses:l1_loss",
            "adlk.ch11.losses:smooth_l1_loss", "adlk.ch11.losses:focal_loss_categorical",
            "adlk.ch11.models:build_backbone", "adlk.ch11.models:build_ssd", "adlk.ch11.models:conv_layer",
            "adlk.ch11.models:lr_schedule", "adlk.ch11.data:SSDData", "adlk.ch11.evaluate:detect",
            "adlk.ch11.evaluate:predict", "adlk.ch11.evaluate:book_scores", "adlk.ch11.evaluate:average_precision",
            "adlk.ch11.evaluate:precision_recall", "adlk.ch11.evaluate:area_under_pr",
            "adlk.ch11.experiments:scores_from_artifact", "adlk.ch11.experiments:load_data", "adlk.datasets.scenes:make_scenes",
            "adlk.datasets.scenes:render_digit", "adlk.datasets.scenes:resize_linear", "adlk.ch02.models:resnet_v2",
            "adlk.ch02.models:resnet_layer", "adlk.training:fit_resumable")


def _row(variant: str, shown: str, book: tuple[float, float, float]) -> Run:
    miou, precision, recall = book
    return Run(variant, {"variant": variant, **BUDGET},
               book={"miou": miou, "precision": precision, "recall": recall}, show={"组合": shown})


TABLES = (
    Table(chapter="ch11", name="variants",
          title="书中的五种损失与偏移量组合：书中（drinks，200 轮）与本站（数字场景，CPU 预算）",
          task="adlk.ch11.experiments:run_variant", metrics=METRICS,
          runs=(
              # 书中表 11.13.1（测试集上的 mIoU、逐图精确率与召回率的平均）；按优先次序排列
              _row("normalized-smooth-l1-focal", "归一化偏移量 + 平滑 L1 + 焦点损失", (0.51, 0.85, 0.83)),
              _row("normalized", "归一化偏移量 + L1", (0.53, 0.90, 0.87)),
              _row("l1", "未归一化偏移量 + L1", (0.64, 0.87, 0.87)),
              _row("smooth-l1", "未归一化偏移量 + 平滑 L1", (0.61, 0.86, 0.85)),
              _row("normalized-smooth-l1", "归一化偏移量 + 平滑 L1", (0.50, 0.85, 0.83)),
          ),
          show_columns=("组合",), sources=_SOURCES, timing="wall"),
)
"""第 11 章的全部表。"""


def table(name: str) -> Table:
    """第 11 章的表 ``name``（``variants``）。

    Raises:
        ValueError: 表名无效；消息里列出有效值。
    """
    return by_name(TABLES, name)


def _flatten(per_image: list[tuple[np.ndarray, ...]]) -> dict[str, np.ndarray]:
    """每张图一组的 (boxes, classes[, scores]) → 拼接的数组加上每个框属于第几张图。"""
    index = np.concatenate([np.full(len(p[1]), i, dtype=np.int32) for i, p in enumerate(per_image)] or [[]])
    out = {"image": index.astype(np.int32),
           "boxes": np.concatenate([np.asarray(p[0], np.float32).reshape(-1, 4) for p in per_image]),
           "classes": np.concatenate([np.asarray(p[1], np.int32) for p in per_image])}
    if len(per_image[0]) > 2:
        out["scores"] = np.concatenate([np.asarray(p[2], np.float32) for p in per_image])
    return out


def _unflatten(arrays: dict[str, np.ndarray], prefix: str, n: int) -> list[tuple[np.ndarray, ...]]:
    image = arrays[f"{prefix}_image"]
    keys = ["boxes", "classes"] + (["scores"] if f"{prefix}_scores" in arrays else [])
    return [tuple(arrays[f"{prefix}_{k}"][image == i] for k in keys) for i in range(n)]


def scores_from_artifact(arrays: dict[str, np.ndarray]) -> dict[str, float]:
    """由工件 ``predictions.npz`` 算出表中的全部度量：AP（IoU 0.5）与书中的 mIoU、精确率、召回率。

    书中的三个度量只用得分不低于 :data:`SCORE_THRESHOLD` 的检测（书中的类别阈值）。
    """
    from adlk.ch11.evaluate import average_precision, book_scores

    n = int(arrays["n_images"])
    truths = _unflatten(arrays, "truth", n)
    detections = _unflatten(arrays, "pred", n)
    confident = [(b[s >= SCORE_THRESHOLD], c[s >= SCORE_THRESHOLD], s[s >= SCORE_THRESHOLD]) for b, c, s in detections]
    return {"map50": average_precision(truths, detections, 0.5)["map"], **book_scores(truths, confident)}


def load_data(params: dict, profile) -> tuple:
    """一行的训练集、测试集与类别数（含背景）。

    默认是数字场景（:func:`adlk.datasets.load_digit_scenes`，画布与场景数取自 ``params``，smoke 档位只取
    64 张训练场景与 32 张测试场景）；``params["drinks"]`` 是目录时读书中的 drinks 数据（:func:`adlk.datasets.load_drinks`，
    原尺寸，画布与场景数不起作用）。
    """
    if params.get("drinks"):
        from adlk.datasets.drinks import CLASS_NAMES, load_drinks

        return load_drinks("train", params["drinks"]), load_drinks("test", params["drinks"]), len(CLASS_NAMES)
    from adlk.datasets.scenes import NUM_CLASSES, load_digit_scenes

    small = not profile.is_full
    n_train = min(params["train_scenes"], 64) if small else params["train_scenes"]
    n_test = min(params["test_scenes"], 32) if small else params["test_scenes"]
    train, test = load_digit_scenes(profile, params["size"], n_train=n_train, n_test=n_test)
    return train, test, NUM_CLASSES


def run_variant(run: Run, ctx) -> TaskResult:
    """训练并评估一行：书中的一种损失与偏移量组合（:data:`adlk.ch11.VARIANTS`），按 :data:`BUDGET` 训练。

    与书中相同：Adam（学习率 1e-3）与书中的学习率表（按轮数比例缩放）、锚框与逐层匹配、额外锚框的阈值 0.6、
    NMS 的 IoU 阈值 0.2、类别阈值 0.5。与书中不同：数据是数字场景（:func:`adlk.datasets.load_digit_scenes`），
    画布、骨干深度、特征层数、批大小与轮数按 CPU 预算取 :data:`BUDGET`。
    """
    import keras

    from adlk.ch11.data import SSDData
    from adlk.ch11.evaluate import predict
    from adlk.ch11.losses import LOSSES, VARIANTS
    from adlk.ch11.models import build_backbone, build_ssd, lr_schedule
    from adlk.training import fit_resumable

    p = run.params
    variant = VARIANTS[p["variant"]]
    train, test, n_classes = load_data(p, ctx.profile)
    shape = train.image(0).shape
    ctx.reseed(-1)
    backbone = build_backbone(shape, n_layers=p["n_layers"], n=p["n"])
    _, feature_shapes, model = build_ssd(shape, backbone, n_layers=p["n_layers"], n_classes=n_classes)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss=list(LOSSES[variant["loss"]]))
    data = SSDData(train, feature_shapes, n_classes, batch_size=p["batch_size"], normalize=variant["normalize"],
                   threshold=p["threshold"], seed=ctx.seed)
    epochs = ctx.profile.cap(p["epochs"])

    class EpochOrder(keras.callbacks.Callback):
        """每轮开始时把数据的读取顺序设为这一轮的顺序（续跑时与不打断时相同）。"""

        def on_epoch_begin(self, epoch, logs=None):
            data.set_epoch(epoch)

    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch: lr_schedule(epoch, epochs))
    start = time.perf_counter()
    history = fit_resumable(model, data, epochs=epochs, ctx=ctx, callbacks=[EpochOrder(), scheduler])
    train_seconds = time.perf_counter() - start

    anchors = np.concatenate(data.anchors)
    test_images = np.stack([test.image(i) for i in range(len(test))])
    detections = predict(model, test_images, anchors, normalize=variant["normalize"], iou_threshold=NMS_IOU,
                         score_threshold=AP_SCORE_THRESHOLD)
    truths = [test.objects(i) for i in range(len(test))]
    arrays = {"n_images": np.array(len(test)), "size": np.array(shape[0]),
              **{f"pred_{k}": v for k, v in _flatten(detections).items()},
              **{f"truth_{k}": v for k, v in _flatten(truths).items()},
              "images": test_images[:8]}
    ctx.save_npz("predictions", **arrays)
    metrics = scores_from_artifact(arrays)
    return TaskResult(
        metrics=metrics,
        history={k: [float(v) for v in vs] for k, vs in history.items()},
        counts={"parameters": int(model.count_params()), "epochs": epochs, "train_scenes": len(train),
                "test_scenes": len(test), "batch_size": p["batch_size"], "steps": epochs * len(data),
                "anchors": int(len(anchors))},
        timing={"train_seconds": round(train_seconds, 1)},
    )
