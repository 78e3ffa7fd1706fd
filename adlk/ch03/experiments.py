"""第 3 章的记录运行：自编码器的重建误差、去噪、潜在编码上的分类器、着色。

四张表：

- ``ae``：书中 3.2 节的卷积自编码器，潜在向量 16 维（训练 1 轮）与 2 维（训练 20 轮）；
- ``denoise``：书中 3.3 节的去噪自编码器（噪声均值 0.5、标准差 0.5，训练 10 轮）；对照的普通自编码器是
  ``ae`` 表第 16 行（3.2 节，1 轮），所有行都在同一批加噪测试图上评估；
- ``classifier``：书中仓库里带分类头的自编码器（两个输出一起训练），以及只在冻结的潜在编码上训练的分类器；
- ``colorize``：着色自编码器。CIFAR-10 不能离线获得，记录运行用按类别着色的 MNIST（见 :mod:`adlk.ch03.data`）。

插图读取这些运行保存的小文件（uint8 图像、float16 潜在编码、解码出的流形网格），生成插图时不再训练。
"""

from __future__ import annotations

import numpy as np

from adlk.runs.spec import Metric, Run, Table, TaskResult, by_name

STEPS_PER_EXECUTION = 16
"""每次调用编译函数执行的步数：结果与 1 相同，在 CPU 上对小模型更快。"""

NOISE = {"loc": 0.5, "scale": 0.5}
"""书中去噪自编码器的噪声。"""
TEST_NOISE_SEED = 1337
"""测试集噪声的种子（书中脚本的 ``np.random.seed(1337)``）：所有行在同一批加噪测试图上评估。"""
EXTRA_SCALES = (0.75, 1.0)
"""书中图 3.3.3 另外试的两个噪声标准差。"""
LATENT_SAMPLES = 2000
"""二维潜在编码散点图保存的测试图像数。"""
MANIFOLD_SIZE = 30
"""解码流形网格的边长（书中 30×30）。"""

_AE_SOURCES = ("adlk.ch03.models:build_autoencoder", "adlk.ch03.data:add_noise", "adlk.ch03.data:psnr",
               "adlk.ch03.experiments:_evaluate_denoising", "adlk.training:fit_resumable")


def _color_params(loss: str) -> dict:
    return {"latent_dim": 256, "layer_filters": [64, 128, 256], "kernel_size": 3, "loss": loss,
            "epochs": 5, "batch_size": 32, "train_size": 10000}


def _ae_params(latent_dim: int, epochs: int, train_input: str = "clean") -> dict:
    return {"latent_dim": latent_dim, "layer_filters": [32, 64], "kernel_size": 3, "epochs": epochs,
            "batch_size": 32, "train_input": train_input, "noise": dict(NOISE)}


_MSE = Metric("test_mse", "测试 MSE（干净输入）", digits=4, higher_is_better=False, primary=True)
_PSNR = Metric("test_psnr", "测试 PSNR（dB）", digits=1)
_NOISY = Metric("noisy_mse", "加噪输入 MSE（σ=0.5）", digits=4, higher_is_better=False)
_NOISY_PSNR = Metric("noisy_psnr", "加噪输入 PSNR（dB）", digits=1)

TABLES = (
    Table(chapter="ch03", name="ae", title="卷积自编码器的重建误差（书中 3.2 节）",
          task="adlk.ch03.experiments:run_autoencoder",
          metrics=(_MSE, _PSNR),
          runs=(Run("16", _ae_params(16, 1),
                    show={"潜在维数": "16", "轮数": "1"}),
                Run("2", _ae_params(2, 20), show={"潜在维数": "2", "轮数": "20"})),
          reference="16", show_columns=("潜在维数", "轮数"), sources=_AE_SOURCES),
    Table(chapter="ch03", name="denoise", title="去噪自编码器在加噪测试图上的误差（书中 3.3 节）",
          task="adlk.ch03.experiments:run_autoencoder",
          metrics=(Metric("noisy_mse", "加噪输入 MSE（σ=0.5）", digits=4, higher_is_better=False, primary=True),
                   _NOISY_PSNR,
                   Metric("noisy_mse_075", "σ=0.75 时的 MSE", digits=4, higher_is_better=False),
                   Metric("noisy_mse_100", "σ=1.0 时的 MSE", digits=4, higher_is_better=False),
                   _MSE),
          runs=(Run("dae", _ae_params(16, 10, "noisy"), show={"训练输入": "加噪图像", "轮数": "10"}),
                ),  # 普通自编码器的对照就是 ch03/ae 第 16 行：它也在同一批加噪测试图上评估
          reference="dae", show_columns=("训练输入", "轮数"), sources=_AE_SOURCES),
    Table(chapter="ch03", name="classifier", title="潜在编码上的分类器（书中仓库 classifier-autoencoder）",
          task="adlk.ch03.experiments:run_classifier",
          metrics=(Metric("test_accuracy", "测试准确率 %", scale=100, primary=True),
                   Metric("test_mse", "重建 MSE", digits=4, higher_is_better=False)),
          runs=(Run("joint", {"mode": "joint", "latent_dim": 16, "epochs": 2, "batch_size": 128, "dropout": 0.4},
                    show={"训练方式": "分类与重建一起训练", "轮数": "2"}),
                Run("probe", {"mode": "probe", "latent_dim": 16, "ae_epochs": 1, "ae_batch_size": 32, "epochs": 10,
                              "batch_size": 128, "dropout": 0.4},
                    show={"训练方式": "先训练自编码器，再在冻结的编码上训练分类器", "轮数": "1 + 10"})),
          reference="joint", show_columns=("训练方式", "轮数"),
          sources=("adlk.ch03.models:build_classifier_autoencoder", "adlk.ch03.models:build_latent_classifier",
                   "adlk.ch03.models:build_autoencoder", "adlk.training:fit_resumable")),
    Table(chapter="ch03", name="colorize", title="着色自编码器（替代数据：按类别着色的 MNIST）",
          task="adlk.ch03.experiments:run_colorization",
          metrics=(Metric("test_mse", "测试 MSE", digits=4, higher_is_better=False, primary=True),
                   Metric("test_psnr", "测试 PSNR（dB）", digits=1),
                   Metric("color_accuracy", "颜色选对 %", scale=100, digits=1),
                   Metric("gray_mse", "原样输出灰度的 MSE", digits=4, higher_is_better=None)),
          # 两行只有损失函数不同：书中的 MSE，与改用二元交叉熵（输出层的 sigmoid 不会饱和，见 3.6 节）
          runs=(Run("mse", _color_params("mse"), show={"损失": "MSE（书中）", "训练图像": "10,000", "轮数": "5"}),
                Run("bce", _color_params("binary_crossentropy"),
                    show={"损失": "二元交叉熵", "训练图像": "10,000", "轮数": "5"})),
          show_columns=("损失", "训练图像", "轮数"), reference="mse",
          sources=("adlk.ch03.models:build_autoencoder", "adlk.ch03.models:build_colorization_autoencoder",
                   "adlk.ch03.data:load_colored_mnist", "adlk.ch03.data:color_digits",
                   "adlk.ch03.data:class_palette", "adlk.ch03.data:color_votes", "adlk.ch03.data:rgb2gray",
                   "adlk.ch03.data:psnr", "adlk.training:fit_resumable")),
)
"""第 3 章的全部表。"""


def table(name: str) -> Table:
    """第 3 章的表 ``name``（``ae``、``denoise``、``classifier``、``colorize``）。

    Raises:
        ValueError: 表名无效；消息里列出有效值。
    """
    return by_name(TABLES, name)


def _uint8(images: np.ndarray) -> np.ndarray:
    """[0, 1] 的图像转成 uint8（保存插图用的小文件）。"""
    return np.round(np.clip(images, 0.0, 1.0) * 255).astype("uint8")


def _verbose(ctx) -> int | str:
    return 2 if ctx.verbose is None else ctx.verbose


def _evaluate_denoising(autoencoder, x_test: np.ndarray, noise: dict) -> tuple[dict, dict]:
    """在干净与加噪（σ = 0.5、0.75、1.0）的测试图上评估自编码器；返回 (指标, 插图用的图像)。"""
    from adlk.ch03.data import add_noise, psnr

    metrics: dict[str, float] = {}
    images: dict[str, np.ndarray] = {}
    clean_out = autoencoder.predict(x_test, batch_size=256, verbose=0)
    metrics["test_mse"] = float(np.mean((clean_out - x_test) ** 2))
    metrics["test_psnr"] = float(np.mean(psnr(x_test, clean_out)))
    images["clean_out"] = clean_out
    for scale in (noise["scale"], *EXTRA_SCALES):
        noisy = add_noise(x_test, TEST_NOISE_SEED, loc=noise["loc"], scale=scale)
        out = autoencoder.predict(noisy, batch_size=256, verbose=0)
        suffix = "" if scale == noise["scale"] else f"_{int(round(scale * 100)):03d}"
        metrics[f"noisy_mse{suffix}"] = float(np.mean((out - x_test) ** 2))
        metrics[f"noisy_psnr{suffix}"] = float(np.mean(psnr(x_test, out)))
        # 什么都不做（直接拿加噪图像当结果）的误差，作为参照
        metrics[f"input_noise_mse{suffix}"] = float(np.mean((noisy - x_test) ** 2))
        metrics[f"input_noise_psnr{suffix}"] = float(np.mean(psnr(x_test, noisy)))
        images[f"noisy{suffix}"], images[f"noisy_out{suffix}"] = noisy, out
    return metrics, images


def run_autoencoder(run: Run, ctx) -> TaskResult:
    """训练并评估一行卷积自编码器（``ae`` 与 ``denoise`` 两张表共用）。

    ``params["train_input"]`` 为 ``"clean"`` 时输入与目标都是干净图像（书中 3.2 节），为 ``"noisy"`` 时输入是
    加噪图像、目标是干净图像（3.3 节的去噪自编码器）。两种都在干净和加噪的测试图上评估。
    二维潜在空间的行另外保存测试图像的潜在编码和解码出的流形网格。

    Raises:
        ValueError: ``train_input`` 无效。
    """
    from adlk.ch03.data import add_noise
    from adlk.ch03.models import build_autoencoder
    from adlk.datasets import load_mnist
    from adlk.training import fit_resumable

    p = run.params
    if p["train_input"] not in ("clean", "noisy"):
        raise ValueError(f"unknown train_input {p['train_input']!r}; valid values: clean, noisy")
    (x_train, _), (x_test, y_test) = load_mnist(ctx.profile)
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
    x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255
    inputs = x_train
    if p["train_input"] == "noisy":
        # 训练集的噪声由本行的种子决定，整个训练过程用同一份（与书中相同）
        inputs = add_noise(x_train, seed=10_000 + ctx.seed, **p["noise"])

    ctx.reseed(0)
    encoder, decoder, autoencoder = build_autoencoder(p["latent_dim"], layer_filters=p["layer_filters"],
                                                      kernel_size=p["kernel_size"])
    autoencoder.compile(loss="mse", optimizer="adam", steps_per_execution=STEPS_PER_EXECUTION)
    epochs = ctx.profile.cap(p["epochs"])
    history = fit_resumable(autoencoder, inputs, x_train, epochs=epochs, ctx=ctx, batch_size=p["batch_size"],
                            verbose=_verbose(ctx))

    metrics, images = _evaluate_denoising(autoencoder, x_test, p["noise"])
    n = 16
    ctx.save_npz("recon", original=_uint8(x_test[:n, ..., 0]), decoded=_uint8(images["clean_out"][:n, ..., 0]))
    noisy_grid = {}
    for suffix in ("", "_075", "_100"):
        noisy_grid[f"noisy{suffix}"] = _uint8(images[f"noisy{suffix}"][:27, ..., 0])
        noisy_grid[f"denoised{suffix}"] = _uint8(images[f"noisy_out{suffix}"][:27, ..., 0])
    ctx.save_npz("denoise", original=_uint8(x_test[:27, ..., 0]), **noisy_grid)

    extra: dict = {}
    if p["latent_dim"] == 2:
        z = encoder.predict(x_test, batch_size=256, verbose=0)
        # 流形网格的范围：覆盖测试编码的 1%～99% 分位数（书中固定取 [-4, 4]，见 3.2 节的说明）
        lo, hi = np.percentile(z, [1, 99], axis=0)
        grid_x = np.linspace(lo[0], hi[0], MANIFOLD_SIZE)
        grid_y = np.linspace(lo[1], hi[1], MANIFOLD_SIZE)[::-1]
        codes = np.array([[xi, yi] for yi in grid_y for xi in grid_x], dtype="float32")
        digits = decoder.predict(codes, batch_size=256, verbose=0)[..., 0]
        ctx.save_npz("latent", z=z[:LATENT_SAMPLES].astype("float16"), labels=y_test[:LATENT_SAMPLES].astype("uint8"))
        ctx.save_npz("manifold", digits=_uint8(digits).reshape(MANIFOLD_SIZE, MANIFOLD_SIZE, 28, 28),
                     grid_x=grid_x.astype("float32"), grid_y=grid_y.astype("float32"))
        extra = {"latent_range": {"min": z.min(axis=0).tolist(), "max": z.max(axis=0).tolist(),
                                  "p01": lo.tolist(), "p99": hi.tolist()},
                 "fraction_inside_book_box": float(np.mean(np.all(np.abs(z) <= 4, axis=1)))}
    return TaskResult(
        metrics=metrics,
        history=history,
        counts={"parameters": int(autoencoder.count_params()), "encoder_parameters": int(encoder.count_params()),
                "decoder_parameters": int(decoder.count_params()), "epochs": epochs,
                "train_samples": int(len(x_train)), "test_samples": int(len(x_test))},
        extra={"steps_per_execution": STEPS_PER_EXECUTION, "test_noise_seed": TEST_NOISE_SEED, **extra},
    )


def run_classifier(run: Run, ctx) -> TaskResult:
    """潜在编码上的分类器。

    ``mode="joint"``：书中仓库的带分类头自编码器，交叉熵与 MSE 一起训练（批大小 128，2 轮）。
    ``mode="probe"``：先按书中 3.2 节训练普通自编码器（16 维，1 轮），冻结编码器，只在它给出的潜在向量上
    训练同样的分类头；看无监督学到的编码里有多少类别信息。

    Raises:
        ValueError: ``mode`` 无效。
    """
    from adlk.ch03.models import build_autoencoder, build_classifier_autoencoder, build_latent_classifier
    from adlk.datasets import load_mnist, one_hot
    from adlk.training import fit_resumable

    p = run.params
    if p["mode"] not in ("joint", "probe"):
        raise ValueError(f"unknown classifier mode {p['mode']!r}; valid modes: joint, probe")
    (x_train, y_train), (x_test, y_test) = load_mnist(ctx.profile)
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
    x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255
    t_train, t_test = one_hot(y_train), one_hot(y_test)
    ctx.reseed(0)
    history: dict[str, list[float]] = {}
    if p["mode"] == "joint":
        encoder, decoder, classifier, model = build_classifier_autoencoder(p["latent_dim"], dropout=p["dropout"])
        model.compile(loss=["categorical_crossentropy", "mse"], optimizer="adam",
                      steps_per_execution=STEPS_PER_EXECUTION)
        epochs = ctx.profile.cap(p["epochs"])
        history = fit_resumable(model, x_train, [t_train, x_train], epochs=epochs, ctx=ctx,
                                batch_size=p["batch_size"], verbose=_verbose(ctx))
        probs, decoded = model.predict(x_test, batch_size=256, verbose=0)
        parameters = int(model.count_params())
    else:
        encoder, decoder, autoencoder = build_autoencoder(p["latent_dim"])
        autoencoder.compile(loss="mse", optimizer="adam", steps_per_execution=STEPS_PER_EXECUTION)
        ae_epochs = ctx.profile.cap(p["ae_epochs"])
        h = autoencoder.fit(x_train, x_train, epochs=ae_epochs, batch_size=p["ae_batch_size"], verbose=_verbose(ctx))
        history["ae_loss"] = [float(v) for v in h.history["loss"]]
        decoded = autoencoder.predict(x_test, batch_size=256, verbose=0)
        z_train = encoder.predict(x_train, batch_size=256, verbose=0)
        z_test = encoder.predict(x_test, batch_size=256, verbose=0)
        classifier = build_latent_classifier(p["latent_dim"], p["dropout"])
        classifier.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"],
                           steps_per_execution=STEPS_PER_EXECUTION)
        epochs = ctx.profile.cap(p["epochs"])
        h = classifier.fit(z_train, t_train, epochs=epochs, batch_size=p["batch_size"], verbose=_verbose(ctx))
        history.update({k: [float(v) for v in vals] for k, vals in h.history.items()})
        probs = classifier.predict(z_test, batch_size=256, verbose=0)
        parameters = int(autoencoder.count_params() + classifier.count_params())
    predicted = np.argmax(probs, axis=1)
    accuracy = float(np.mean(predicted == y_test))
    confusion = np.zeros((10, 10), dtype="int32")
    np.add.at(confusion, (y_test.astype(int), predicted), 1)
    ctx.save_npz("confusion", confusion=confusion)
    return TaskResult(
        metrics={"test_accuracy": accuracy, "test_mse": float(np.mean((decoded - x_test) ** 2))},
        history=history,
        counts={"parameters": parameters, "classifier_parameters": int(classifier.count_params()),
                "epochs": epochs, "train_samples": int(len(x_train)), "test_samples": int(len(x_test))},
        extra={"steps_per_execution": STEPS_PER_EXECUTION},
    )


def run_colorization(run: Run, ctx) -> TaskResult:
    """着色自编码器：灰度（``rgb2gray`` 算出）进、彩色出，在按类别着色的 MNIST 上训练和评估。

    ``loss`` 是编译时的损失（书中为 ``"mse"``；另一行用 ``"binary_crossentropy"``），报告的测试 MSE
    与损失无关，两行可以直接比较。``train_size`` 限制训练图像数（按类别分层取前若干张，CPU 上的时间所限）；测试集是全部 10,000 张
    没参与训练的图像。除 MSE、PSNR 外还报告“颜色选对”的比例：笔画上的平均颜色离正确类别的颜色最近的
    测试图占多少（见 :func:`adlk.ch03.data.color_votes`），以及原样输出灰度图的 MSE 作参照。
    """
    from adlk.ch03.data import PALETTE, color_votes, load_colored_mnist, psnr, rgb2gray
    from adlk.ch03.models import build_colorization_autoencoder
    from adlk.datasets import stratified_subset
    from adlk.training import fit_resumable

    p = run.params
    (x_train, y_train), (x_test, y_test) = load_colored_mnist(ctx.profile)
    if p.get("train_size") and p["train_size"] < len(x_train):
        keep = stratified_subset(y_train[:, 0], p["train_size"] // 10)
        x_train, y_train = x_train[keep], y_train[keep]
    gray_train = (rgb2gray(x_train) / 255).astype("float32")[..., None]
    gray_test = (rgb2gray(x_test) / 255).astype("float32")[..., None]
    x_train = x_train.astype("float32") / 255
    x_test = x_test.astype("float32") / 255

    ctx.reseed(0)
    encoder, decoder, autoencoder = build_colorization_autoencoder(latent_dim=p["latent_dim"],
                                                                   layer_filters=p["layer_filters"],
                                                                   kernel_size=p["kernel_size"])
    autoencoder.compile(loss=p["loss"], optimizer="adam", steps_per_execution=STEPS_PER_EXECUTION)
    epochs = ctx.profile.cap(p["epochs"])
    history = fit_resumable(autoencoder, gray_train, x_train, epochs=epochs, ctx=ctx, batch_size=p["batch_size"],
                            verbose=_verbose(ctx))
    colored = autoencoder.predict(gray_test, batch_size=256, verbose=0)
    # 笔画强度：灰度除以调色板的共同亮度，还原成 0～1
    strength = gray_test[..., 0] / (float(np.mean(rgb2gray(PALETTE.astype("float64")))) / 255)
    votes = color_votes(colored, strength)
    confusion = np.zeros((10, 10), dtype="int32")
    np.add.at(confusion, (y_test[:, 0].astype(int), votes), 1)
    gray_rgb = np.repeat(gray_test, 3, axis=-1)
    n = 20
    ctx.save_npz("colorized", gray=_uint8(gray_test[:n, ..., 0]), target=_uint8(x_test[:n]),
                 predicted=_uint8(colored[:n]), labels=y_test[:n, 0].astype("uint8"))
    ctx.save_npz("confusion", confusion=confusion)
    return TaskResult(
        metrics={"test_mse": float(np.mean((colored - x_test) ** 2)),
                 "test_psnr": float(np.mean(psnr(x_test, colored))),
                 "color_accuracy": float(np.mean(votes == y_test[:, 0])),
                 "gray_mse": float(np.mean((gray_rgb - x_test) ** 2))},
        history=history,
        counts={"parameters": int(autoencoder.count_params()), "epochs": epochs,
                "train_samples": int(len(x_train)), "test_samples": int(len(x_test))},
        extra={"steps_per_execution": STEPS_PER_EXECUTION},
    )
