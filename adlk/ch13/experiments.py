"""第 13 章的运行记录：MINE 在二元高斯上的估计、IIC 在 MNIST 上的无监督聚类、MINE 在 MNIST 上的聚类。

- ``mine-gaussian``：按书中的设置（16 个隐藏单元，Adam 0.01，每步 1,000 个联合样本和 1,000 个边缘样本，
  1,000 步）对几个相关系数训练统计网络，记下最后 100 步估计的平均值、训练好的网络在 20 万个新样本上的
  下界，以及闭式解；
- ``iic``：本站在 CPU 上的 IIC（小骨干、5 个主聚类头和 5 个 50 簇的过聚类头、强增强）与一次坍缩的对照；
  测试集的簇分配（每个头的 argmax）存成小文件，准确率、混淆矩阵和插图都由它算出；
- ``mine-mnist``：MINE 目标训练编码器，再用书中的“线性分类器”评估潜在向量。
"""

from __future__ import annotations

from adlk.runs.spec import Metric, Run, Table, TaskResult

# ---------------------------------------------------------------- MINE：二元高斯

GAUSSIAN_METRICS = (
    Metric("mine_estimate", "MINE 估计（最后 100 步的平均）", digits=3, higher_is_better=None, primary=True,
           unit="nats"),
    Metric("fresh_bound", "训练好的 T 在 20 万个新样本上的下界", digits=3, higher_is_better=None, unit="nats"),
    Metric("true_mi", "闭式解 −½ log(1−ρ²)", digits=3, higher_is_better=None, unit="nats"),
    Metric("relative_error", "相对误差 %", scale=100, digits=1, higher_is_better=False),
)
BOOK_RHOS = (0.5, 0.8)
"""书中运行过的相关系数（书中脚本的默认是 0.5，书中另外算过 0.8 的互信息）。"""


def _gaussian_row(rho: float, book: dict | None = None) -> Run:
    return Run(f"rho-{rho:g}", {"rho": rho, "steps": 1000, "batch_size": 1000, "hidden_units": 16,
                                "learning_rate": 0.01, "average_last": 100},
               book=book or {}, show={"ρ": f"{rho:g}", "书中是否运行": "是" if rho in BOOK_RHOS else "否"})


# ---------------------------------------------------------------- IIC

IIC_METRICS = (
    Metric("test_accuracy", "测试集聚类准确率 %（损失最低的头）", scale=100, digits=2, primary=True),
    Metric("best_head_accuracy", "最好的头 %", scale=100, digits=2),
    Metric("worst_head_accuracy", "最差的头 %", scale=100, digits=2),
    Metric("clusters_used", "用到的簇数", digits=0, higher_is_better=None),
    Metric("test_mi", "测试集两个视图的互信息", digits=3, higher_is_better=None, unit="nats"),
)
IIC_SHOW = ("骨干", "主聚类头", "过聚类头", "λ", "批大小 × 重复", "轮数")
EVAL_SEED = 12345
"""评估时第二个视图的增强所用的固定种子（算测试集上两个视图的联合分布矩阵）。"""


def _iic_row(row: str, epochs: int, heads: int = 5, n_over: int = 50, lamb: float = 1.0, batch_size: int = 256,
             repeats: int = 2, backbone: str = "small", learning_rate: float = 1e-3, book: dict | None = None,
             train_samples: int | None = None) -> Run:
    params = {"backbone": backbone, "heads": heads, "n_clusters": 10, "n_over": n_over, "lamb": lamb,
              "batch_size": batch_size, "repeats": repeats, "epochs": epochs, "learning_rate": learning_rate,
              "train_samples": train_samples}
    show = {"骨干": "三层卷积（16-32-64）" if backbone == "small" else "VGG 'F'（书中）",
            "主聚类头": f"{heads} × 10 簇", "过聚类头": f"{heads} × {n_over} 簇" if n_over else "无",
            "λ": f"{lamb:g}", "批大小 × 重复": f"{batch_size} × {repeats}",
            "轮数": f"{epochs}（书中 1,200）" + ("" if train_samples is None else f"，每轮 {train_samples:,} 张")}
    return Run(row, params, book=book or {}, show=show)


# ---------------------------------------------------------------- MINE：MNIST

MINE_MNIST_METRICS = (
    Metric("test_accuracy", "线性分类器的测试准确率 %（训练集上训练）", scale=100, digits=2, primary=True),
    Metric("book_protocol_accuracy", "按书中做法（在测试集上训练和评估）%", scale=100, digits=2),
    Metric("train_mi", "最后一轮的 MI 下界", digits=3, higher_is_better=None, unit="nats"),
)
MINE_MNIST_SHOW = ("骨干", "潜在维数", "统计网络", "批大小", "轮数")

_SOURCES = ("adlk.ch13.mi:iic_loss", "adlk.ch13.mi:cluster_accuracy", "adlk.ch13.mi:match_clusters",
            "adlk.ch13.mi:joint_matrix", "adlk.ch13.mi:mutual_information", "adlk.ch13.mi:gaussian_mi",
            "adlk.ch13.mi:dv_bound",
            "adlk.ch13.iic:augment", "adlk.ch13.iic:center_crop", "adlk.ch13.iic:build_backbone", "adlk.ch13.iic:IIC",
            "adlk.ch13.mine:sample_gaussian", "adlk.ch13.mine:build_statistics_network", "adlk.ch13.mine:dv_loss",
            "adlk.ch13.mine:train_gaussian_mine", "adlk.ch13.mine:evaluate_bound", "adlk.ch13.mine:MINEClustering",
            "adlk.ch13.mine:linear_probe", "adlk.training:fit_resumable")

TABLES = (
    Table(chapter="ch13", name="mine-gaussian", title="MINE 估计二元高斯的互信息（书中 13.8 节的设置）",
          task="adlk.ch13.experiments:run_mine_gaussian", metrics=GAUSSIAN_METRICS, show_columns=("ρ", "书中是否运行"),
          sources=_SOURCES, runs=(
              _gaussian_row(0.2),
              _gaussian_row(0.5, {"mine_estimate": 0.142}),
              _gaussian_row(0.8),
              _gaussian_row(0.9),
          ), reference="rho-0.5"),
    Table(chapter="ch13", name="iic", title="IIC 在 MNIST 上的无监督聚类（CPU 预算）",
          task="adlk.ch13.experiments:run_iic", metrics=IIC_METRICS, show_columns=IIC_SHOW, sources=_SOURCES,
          runs=(
              _iic_row("cpu", epochs=16, book={"test_accuracy": 99.53}),
              _iic_row("lamb-2", epochs=10, lamb=2.0, book={"test_accuracy": 99.53}),
              _iic_row("collapse", epochs=4, heads=1, n_over=0, lamb=0.5, train_samples=20_000),
          ), reference="lamb-2"),
    Table(chapter="ch13", name="mine-mnist", title="MINE 在 MNIST 上的聚类（CPU 预算）",
          task="adlk.ch13.experiments:run_mine_mnist", metrics=MINE_MNIST_METRICS, show_columns=MINE_MNIST_SHOW,
          sources=_SOURCES, runs=(
              Run("latent-10", {"backbone": "small", "latent_dim": 10, "hidden_units": 1024, "batch_size": 1000,
                                "epochs": 10, "learning_rate": 1e-3},
                  book={"book_protocol_accuracy": 93.86},
                  show={"骨干": "三层卷积（16-32-64）", "潜在维数": "10", "统计网络": "1,024 个隐藏单元",
                        "批大小": "1,000", "轮数": "10（书中脚本默认 1,000）"}),
          )),
)
"""第 13 章的全部表。"""


def run_mine_gaussian(run: Run, ctx) -> TaskResult:
    """一个相关系数：训练统计网络，记下估计、新样本上的下界和闭式解，保存逐步的估计曲线。"""
    import numpy as np

    from adlk.ch13.mi import gaussian_mi
    from adlk.ch13.mine import evaluate_bound, train_gaussian_mine

    p = run.params
    steps = ctx.profile.cap(p["steps"], "steps") if not ctx.profile.is_full else p["steps"]
    net, estimates = train_gaussian_mine(p["rho"], steps=steps, batch_size=p["batch_size"],
                                         hidden_units=p["hidden_units"], learning_rate=p["learning_rate"],
                                         seed=ctx.seed)
    true = gaussian_mi(p["rho"])
    estimate = float(estimates[-p["average_last"]:].mean())
    fresh = evaluate_bound(net, p["rho"], n=200_000 if ctx.profile.is_full else 5_000, seed=ctx.seed + 1)
    ctx.save_npz("estimates", estimates=estimates.astype(np.float32))
    return TaskResult(
        metrics={"mine_estimate": estimate, "fresh_bound": fresh, "true_mi": true,
                 "relative_error": abs(estimate - true) / true},
        counts={"steps": steps, "batch_size": p["batch_size"]},
    )


def run_iic(run: Run, ctx) -> TaskResult:
    """训练一行 IIC，每轮在测试集上评估，最后保存测试集的簇分配与概率（小文件）。"""
    import keras
    import numpy as np
    import tensorflow as tf

    from adlk.ch13.iic import IIC, augment, build_backbone
    from adlk.ch13.mi import cluster_accuracy, joint_matrix, mutual_information
    from adlk.datasets import load_mnist
    from adlk.training import EpochTimer, fit_resumable

    p = run.params
    (x_train, _), (x_test, y_test) = load_mnist(profile=ctx.profile)
    if p["train_samples"] is not None:
        x_train = x_train[:p["train_samples"]]
    x_train = (x_train.astype("float32") / 255)[..., None]
    x_test = (x_test.astype("float32") / 255)[..., None]

    keras.utils.set_random_seed(ctx.seed)
    model = IIC(build_backbone(p["backbone"]), heads=p["heads"], n_clusters=p["n_clusters"], n_over=p["n_over"],
                repeats=p["repeats"], lamb=p["lamb"], seed=ctx.seed)
    model.compile(optimizer=keras.optimizers.Adam(p["learning_rate"]))
    model.build_all()
    x2_test = np.asarray(augment(tf.constant(x_test), tf.constant([EVAL_SEED, 0], dtype=tf.int32)))

    # 每轮在测试集上评估：每个头的准确率（匈牙利匹配）和两个视图的互信息写进这一轮的 logs（进入训练历史，
    # 断点续跑时随检查点保存）；头 0 的联合分布矩阵逐轮存进小文件 joints（续跑时先读回已有的轮次）
    path = ctx.artifact_path("joints")
    joints = []
    if path is not None and path.is_file() and ctx.restore() is not None:
        with np.load(path) as f:
            joints = list(f["joints"][:int(ctx.restore()[0]["epoch"])])

    class ClusterLog(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            z1 = model.assign(x_test)
            z2 = model.assign(x2_test, crop=False)
            for h in range(model.n_heads):
                logs[f"acc_head{h}"] = cluster_accuracy(y_test, z1[h].argmax(1), 10)
                logs[f"mi_head{h}"] = mutual_information(joint_matrix(z1[h], z2[h]))
            joints.append(joint_matrix(z1[0], z2[0]).astype(np.float32))
            ctx.save_npz("joints", joints=np.stack(joints))

    epochs = ctx.profile.cap(p["epochs"], "epochs")
    timer = EpochTimer()
    history = fit_resumable(model, x_train, epochs=epochs, ctx=ctx, batch_size=p["batch_size"],
                            callbacks=[ClusterLog(), timer], shuffle=True)

    # 选头不看标签：在训练集的一个固定子集上求每个头的 IIC 损失，取最低的（IIC 论文的做法）
    ctx.reseed(10_000)
    check = x_train[:5000]
    losses = []
    for h in range(model.n_heads):
        z1 = model.assign(check)[h]
        z2 = model.assign(np.asarray(augment(tf.constant(check), tf.constant([EVAL_SEED, 1], dtype=tf.int32))),
                          crop=False)[h]
        losses.append(-mutual_information(joint_matrix(z1, z2)))
    chosen = int(np.argmin(losses))
    parameters = model.backbone.count_params() + sum(h.count_params() for h in model.main_heads + model.over_heads)
    z1 = model.assign(x_test)
    z2 = model.assign(x2_test, crop=False)
    clusters = z1.argmax(axis=2).astype(np.uint8)
    accs = [cluster_accuracy(y_test, c, 10) for c in clusters]
    # 测试集的簇分配（每个头）、标签、选中的头和它的概率：准确率、混淆矩阵和插图都由这个文件算出
    ctx.save_npz("assignments", clusters=clusters, labels=y_test.astype(np.uint8), chosen=np.uint8(chosen),
                 probs=z1[chosen].astype(np.float16))
    metrics = {"test_accuracy": accs[chosen], "best_head_accuracy": max(accs), "worst_head_accuracy": min(accs),
               "clusters_used": float(len(np.unique(clusters[chosen]))),
               "test_mi": mutual_information(joint_matrix(z1[chosen], z2[chosen])),
               "parameters": float(parameters)}
    for h, a in enumerate(accs):
        metrics[f"acc_head{h}"] = a
        metrics[f"select_loss_head{h}"] = losses[h]
    return TaskResult(
        metrics=metrics, history=history,
        counts={"epochs": epochs, "train_samples": int(len(x_train)), "test_samples": int(len(x_test)),
                "chosen_head": chosen, "parameters": int(parameters)},
        timing={"seconds_per_epoch": [round(s, 2) for s in timer.seconds]},
    )


def run_mine_mnist(run: Run, ctx) -> TaskResult:
    """MINE 目标训练编码器，再按书中的“线性分类器”评估潜在向量。"""
    import keras
    import numpy as np

    from adlk.ch13.iic import build_backbone, center_crop
    from adlk.ch13.mine import MINEClustering, linear_probe
    from adlk.datasets import load_mnist
    from adlk.training import EpochTimer, fit_resumable

    p = run.params
    (x_train, y_train), (x_test, y_test) = load_mnist(profile=ctx.profile)
    x_train = (x_train.astype("float32") / 255)[..., None]
    x_test = (x_test.astype("float32") / 255)[..., None]
    keras.utils.set_random_seed(ctx.seed)
    model = MINEClustering(build_backbone(p["backbone"]), latent_dim=p["latent_dim"], hidden_units=p["hidden_units"],
                           seed=ctx.seed)
    model.compile(optimizer=keras.optimizers.Adam(p["learning_rate"]))
    model.build_all()
    epochs = ctx.profile.cap(p["epochs"], "epochs")
    timer = EpochTimer()
    history = fit_resumable(model, x_train, epochs=epochs, ctx=ctx, batch_size=p["batch_size"], callbacks=[timer],
                            shuffle=True)
    z_train = model.encoder.predict(np.asarray(center_crop(x_train)), batch_size=1000, verbose=0)
    z_test = model.encoder.predict(np.asarray(center_crop(x_test)), batch_size=1000, verbose=0)
    ctx.reseed(10_000)
    acc = linear_probe(z_train, y_train, z_test, y_test, seed=ctx.seed)
    # 书中的做法：线性分类器在测试集上训练 10 轮、再训练 10 轮，然后在同一个测试集上评估
    book = linear_probe(z_test, y_test, z_test, y_test, epochs=20, seed=ctx.seed)
    ctx.save_npz("latent", z=z_test[::2].astype(np.float16), labels=y_test[::2].astype(np.uint8))
    return TaskResult(
        metrics={"test_accuracy": acc, "book_protocol_accuracy": book, "train_mi": float(history["mi"][-1]),
                 "parameters": float(model.encoder.count_params() + model.statistics.count_params())},
        history=history,
        counts={"epochs": epochs, "train_samples": int(len(x_train)), "test_samples": int(len(x_test))},
        timing={"seconds_per_epoch": [round(s, 2) for s in timer.seconds]},
    )
