"""第 8 章的运行记录：MLP VAE、CNN VAE、条件 VAE 与 β-VAE，都按书中脚本的设置训练。

书中没有给出这些模型的损失数值，只给出参数个数（与本站的模型逐个相同）和图。每一行训练完后在测试集上
求重建项与 KL 项（每张图的平均值；BCE 训练的行单位是 nats，MSE 训练的行重建项是平方误差之和），并保存画图所需的小文件：测试图像潜在变量的均值、
由潜在空间网格解码出的数字、每个标签的数字和 β-VAE 沿各潜在变量方向的变化，插图只读这些文件。
"""

from __future__ import annotations

from adlk.runs.spec import Metric, Run, Table, TaskResult

METRICS = (
    Metric("test_reconstruction", "重建项", digits=1, higher_is_better=False, unit="nats/图"),
    Metric("test_kl", "KL 项", digits=2, higher_is_better=False, unit="nats/图"),
    Metric("test_loss", "重建项 + KL 项", digits=1, higher_is_better=False, primary=True, unit="nats/图"),
    Metric("parameters", "参数个数", digits=0, higher_is_better=None),
)
"""BCE × 784 训练的行（CVAE、β-VAE）：重建项是伯努利负对数似然，单位 nats。"""
MSE_METRICS = (
    Metric("test_reconstruction", "重建项", digits=1, higher_is_better=False, unit="平方误差之和/图"),
    METRICS[1],
    Metric("test_loss", "重建项 + KL 项", digits=1, higher_is_better=False, primary=True,
           unit="平方误差之和 + nats，每张图"),
    METRICS[3],
)
"""MSE × 784 训练的行（MLP VAE、CNN VAE）：重建项是平方误差之和，不是 nats。"""
SHOW = ("模型", "重建损失", "β", "优化器", "轮数")
_SOURCES = ("adlk.ch08.models:Sampling", "adlk.ch08.models:VAE", "adlk.ch08.models:build_mlp_vae",
            "adlk.ch08.models:build_cnn_vae", "adlk.ch08.models:build_cvae", "adlk.training:fit_resumable",
            "adlk.ch08.experiments:to_uint8", "adlk.ch08.experiments:latent_grid")
_NAMES = {"mlp": "MLP VAE", "cnn": "CNN VAE", "cvae": "CVAE"}
_OPT = {"adam": "Adam", "rmsprop": "RMSprop"}

LATENT_SAMPLES = 5000
"""画潜在空间散点图用的测试图像个数：与书中一样，每隔一张取一张。"""
MANIFOLD_SIZE = 30
"""VAE 的解码网格：潜在空间 [-4, 4]² 上 30×30 个点（书中的设置）。"""
DIGIT_GRID = 10
"""条件 VAE 每个标签的解码网格：10×10 个点（书中的设置）。"""
GRAY_LEVELS = 16
"""解码网格保存时的灰度级数（见 :func:`to_uint8`）。"""
TRAVERSAL_STEPS = 9
"""β-VAE 沿一个潜在变量方向走的步数（另一维固定为 0），范围 [-3, 3]。"""


def _row(row: str, model: str, reconstruction: str, optimizer: str, epochs: int, parameters: int,
         beta: float = 1.0, book_epochs: int | None = None) -> Run:
    params = {"model": model, "reconstruction": reconstruction, "beta": beta, "optimizer": optimizer,
              "epochs": epochs, "batch_size": 128}
    show = {"模型": _NAMES[model] if beta == 1 else "β-VAE（CVAE 结构）", "重建损失": f"{reconstruction.upper()} × 784",
            "β": f"{beta:g}", "优化器": _OPT[optimizer],
            "轮数": str(epochs) if book_epochs in (None, epochs) else f"{epochs}（书中 {book_epochs}）"}
    return Run(row, params, book={"parameters": parameters}, show=show)


TABLES = (
    # 两行都按书中的设置：MLP VAE 50 轮（Adam），CNN VAE 30 轮（RMSprop）
    Table(chapter="ch08", name="vae", title="MLP 与 CNN 的 VAE（书中 8.1 节的两个脚本，书中的轮数）",
          task="adlk.ch08.experiments:run_vae", metrics=MSE_METRICS, show_columns=SHOW, sources=_SOURCES,
          runs=(
              _row("mlp", "mlp", "mse", "adam", 50, 807_700),
              _row("cnn", "cnn", "mse", "rmsprop", 30, 134_165),
          ), reference="mlp"),
    # 书中运行条件 VAE 和 β-VAE 的命令都带 --bce，书中的 β-VAE 插图用的是 β = 9 和 β = 10；三行都按书中的 30 轮
    Table(chapter="ch08", name="cvae", title="条件 VAE 与 β-VAE（书中 8.2、8.3 节的脚本，书中的轮数）",
          task="adlk.ch08.experiments:run_vae", metrics=METRICS, show_columns=SHOW, sources=_SOURCES,
          runs=(
              _row("cvae", "cvae", "bce", "rmsprop", 30, 174_437),
              _row("beta-9", "cvae", "bce", "rmsprop", 30, 174_437, beta=9.0),
              _row("beta-10", "cvae", "bce", "rmsprop", 30, 174_437, beta=10.0),
          ), reference="cvae"),
)
"""第 8 章的全部表。"""


def to_uint8(images, levels: int = 256):
    """解码器的输出（[0, 1] 之间的 (n, 784) 或 (n, 28, 28, 1)）→ (n, 28, 28) 的 uint8 图像。

    ``levels`` 是灰度级数：解码网格存成 16 级（0、17、…、255），压缩后小四到五倍，图上看不出差别。
    """
    import numpy as np

    images = np.clip(np.asarray(images, dtype="float64").reshape(len(images), 28, 28), 0, 1)
    step = 255 // (levels - 1)
    return (np.rint(images * (levels - 1)) * step).astype(np.uint8)


def latent_grid(n: int, limit: float = 4.0):
    """隐空间 [-limit, limit]² 上 n×n 个点，按书中的画法排列：行从上（z[1] 大）到下，列从左到右。"""
    import numpy as np

    grid_x = np.linspace(-limit, limit, n)
    grid_y = grid_x[::-1]
    return np.array([[x, y] for y in grid_y for x in grid_x], dtype="float32")


def run_vae(run: Run, ctx) -> TaskResult:
    """训练并评估一行：按 ``params`` 搭建模型，用 :func:`adlk.training.fit_resumable` 训练，
    在测试集上求重建项与 KL 项，保存画图用的小文件。"""
    import keras
    import numpy as np

    from adlk.ch08.models import BUILDERS, VAE
    from adlk.datasets import load_mnist
    from adlk.training import EpochTimer, fit_resumable

    p = run.params
    (x_train, y_train), (x_test, y_test) = load_mnist(profile=ctx.profile)
    shape = (-1, 784) if p["model"] == "mlp" else (-1, 28, 28, 1)
    x_train = x_train.reshape(shape).astype("float32") / 255
    x_test = x_test.reshape(shape).astype("float32") / 255
    conditional = p["model"] == "cvae"
    c_train = keras.utils.to_categorical(y_train, 10)
    c_test = keras.utils.to_categorical(y_test, 10)
    train = [x_train, c_train] if conditional else x_train
    test = [x_test, c_test] if conditional else x_test

    keras.utils.set_random_seed(ctx.seed)
    encoder, decoder = BUILDERS[p["model"]]()
    vae = VAE(encoder, decoder, beta=p["beta"], reconstruction=p["reconstruction"])
    vae.compile(optimizer=p["optimizer"])
    epochs = ctx.profile.cap(p["epochs"], "epochs")
    timer = EpochTimer()
    # 与书中一样，每轮结束后在测试集上求一次损失（val_ 开头的记录）
    history = fit_resumable(vae, train, epochs=epochs, ctx=ctx, batch_size=p["batch_size"],
                            validation_data=(test,), callbacks=[timer])

    # 测试集上的损失：每张图抽一次 z（与训练时相同），单位 nats/图
    ctx.reseed(10_000)
    scores = vae.evaluate(test, batch_size=p["batch_size"], verbose=0, return_dict=True)
    # 同一个模型再按伯努利似然（BCE × 784）算一次重建项，MSE 与 BCE 训练的模型可以放在同一把尺子上比较
    bernoulli = VAE(encoder, decoder, reconstruction="bce")
    bernoulli.compile()
    ctx.reseed(10_001)
    bce = bernoulli.evaluate(test, batch_size=p["batch_size"], verbose=0, return_dict=True)

    parameters = encoder.count_params() + decoder.count_params()
    z_mean, z_log_var, _ = encoder.predict(test, batch_size=p["batch_size"], verbose=0)
    kl_per_dim = (-0.5 * (1 + z_log_var - z_mean**2 - np.exp(z_log_var))).mean(axis=0)
    metrics = {
        "test_reconstruction": float(scores["reconstruction_loss"]),
        "test_kl": float(scores["kl_loss"]),
        "test_loss": float(scores["reconstruction_loss"] + scores["kl_loss"]),
        "test_objective": float(scores["total_loss"]),
        "test_bce_reconstruction": float(bce["reconstruction_loss"]),
        "test_bce_loss": float(bce["reconstruction_loss"] + bce["kl_loss"]),
        "parameters": float(parameters),
        "train_loss": float(history["total_loss"][-1]),
    }
    for j, value in enumerate(kl_per_dim):
        metrics[f"kl_dim{j}"] = float(value)
        metrics[f"z_mean_std{j}"] = float(z_mean[:, j].std())

    # 画图用的小文件：隐变量均值（float16）、解码出的图像（uint8）
    pick = slice(0, None, 2)
    ctx.save_npz("latent", z_mean=z_mean[pick][:LATENT_SAMPLES].astype(np.float16),
                 labels=y_test[pick][:LATENT_SAMPLES].astype(np.uint8))
    firsts = np.array([np.flatnonzero(y_test == d)[0] for d in range(10)])
    shown = [x_test[firsts], c_test[firsts]] if conditional else x_test[firsts]
    means = encoder.predict(shown, verbose=0)[0]
    decoded = decoder.predict([means, c_test[firsts]] if conditional else means, verbose=0)
    ctx.save_npz("reconstruction", original=to_uint8(x_test[firsts]), decoded=to_uint8(decoded))
    if conditional:
        grid = latent_grid(DIGIT_GRID)
        eye = np.eye(10, dtype="float32")
        digits = [decoder.predict([grid, np.repeat(eye[[d]], len(grid), axis=0)], verbose=0) for d in range(10)]
        digits = to_uint8(np.concatenate(digits), GRAY_LEVELS).reshape(10, DIGIT_GRID, DIGIT_GRID, 28, 28)
        ctx.save_npz("digits", images=digits, limit=np.float16(4.0))
        steps = np.linspace(-3, 3, TRAVERSAL_STEPS, dtype="float32")
        walks = []
        for d in range(10):
            for j in range(2):
                z = np.zeros((TRAVERSAL_STEPS, 2), dtype="float32")
                z[:, j] = steps
                walks.append(decoder.predict([z, np.repeat(eye[[d]], TRAVERSAL_STEPS, axis=0)], verbose=0))
        walks = to_uint8(np.concatenate(walks), GRAY_LEVELS).reshape(10, 2, TRAVERSAL_STEPS, 28, 28)
        ctx.save_npz("traversal", images=walks, steps=steps.astype(np.float16))
    else:
        grid = latent_grid(MANIFOLD_SIZE)
        images = decoder.predict(grid, batch_size=p["batch_size"], verbose=0)
        images = to_uint8(images, GRAY_LEVELS).reshape(MANIFOLD_SIZE, MANIFOLD_SIZE, 28, 28)
        ctx.save_npz("manifold", images=images, limit=np.float16(4.0))

    return TaskResult(
        metrics=metrics,
        history=history,
        counts={"parameters": int(parameters), "epochs": epochs, "train_samples": int(len(x_train)),
                "test_samples": int(len(x_test))},
        timing={"seconds_per_epoch": [round(s, 2) for s in timer.seconds]},
        extra={"reconstruction": p["reconstruction"], "beta": p["beta"],
               "units": "nats per image (MSE rows: sum of squared errors, see page 8.1)"},
    )
