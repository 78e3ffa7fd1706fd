"""第 1 章的网络配置对比表：每一行是一个具名配置，运行器逐行训练并写出结果文件。

- 配置即数据：:data:`TABLES` 里的每一行给出模型类型、搭建参数、优化器、轮数与批大小，
  旁边存着书中的数值（只作对照，标注为书中数值）；
- 运行器 :func:`reproduce` 逐行训练，每行一个 JSON 结果文件，原子写入；结果文件带完整来历
  （档位、硬件、系统、版本、日期、种子、耗时、git 提交）；
- 重跑时跳过“仍然有效”的行：配置、模型与训练代码、版本、档位都没变。中途打断后再跑，
  已完成的行不会重做。
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import inspect
import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from adlk.profiles import Profile, get_profile

DEFAULT_SEED = 0
STEPS_PER_EXECUTION = 16
"""运行器每次调用编译函数执行的步数：结果与 1 相同，CPU 上对每步计算很少的 MLP 提速最多（见运行速度页）。"""


@dataclass(frozen=True)
class RunOptions:
    """改变“怎么跑”而不改变模型的选项，记录在结果文件里，也计入有效性指纹。

    Attributes:
        mirrored: 用 ``tf.distribute.MirroredStrategy`` 在本机的全部 GPU 上做数据并行
            （只有一个设备时也能用）。
        mixed_precision: 用 ``mixed_float16`` 策略（GPU 上更快，CPU 上反而更慢）。
    """

    mirrored: bool = False
    mixed_precision: bool = False


@dataclass(frozen=True)
class BookRow:
    """书中表格的一行（原样保存，只作对照）。"""

    layers: str
    regularizer: str
    optimizer: str
    relu: str
    train: float
    test: float


@dataclass(frozen=True)
class RowConfig:
    """对比表的一行配置。

    Attributes:
        table: 表名（``mlp``、``cnn``、``rnn``）。
        row: 行名（书中的序号）。
        model: 模型类型，也是输入形式（见 :data:`adlk.models.BUILDERS`）。
        params: 传给模型搭建函数的参数。
        optimizer: 优化器名称（Keras 默认参数）。
        epochs: 训练轮数。
        batch_size: 批大小。
        book: 书中同一行的数值。
    """

    table: str
    row: str
    model: str
    params: dict[str, Any]
    optimizer: str
    epochs: int
    batch_size: int
    book: BookRow

    def spec(self) -> dict[str, Any]:
        """决定训练结果的那部分配置（不含书中数值）。"""
        return {
            "table": self.table,
            "row": self.row,
            "model": self.model,
            "params": {k: list(v) if isinstance(v, tuple) else v for k, v in self.params.items()},
            "optimizer": self.optimizer,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
        }


def _mlp(row: int, units: tuple[int, ...], reg: str, opt: str, relu: bool,
         train: float, test: float) -> RowConfig:
    dropout = float(reg.split("(")[1].rstrip(")")) if reg.startswith("Dropout") else 0.0
    l2 = float(reg.split("(")[1].rstrip(")")) if reg.startswith("L2") else None
    # 书中的 “256-256-256” 对应参考脚本：两个隐藏层加输出层，因此取前两个数作隐藏层单元数
    params: dict[str, Any] = {"hidden_units": units[:2], "dropout": dropout, "l2": l2,
                              "activation": "relu" if relu else None}
    book = BookRow("-".join(map(str, units)), reg, {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}[opt],
                   "Yes" if relu else "None", train, test)
    return RowConfig("mlp", str(row), "mlp", params, opt, 20, 128, book)


def _cnn(row: int, opt: str, dropout: float, train: float, test: float) -> RowConfig:
    book = BookRow("64-64-64", f"Dropout({dropout})", {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}[opt],
                   "Yes", train, test)
    return RowConfig("cnn", str(row), "cnn", {"filters": 64, "dropout": dropout}, opt, 10, 128, book)


def _rnn(row: int, units: int, opt: str, train: float, test: float) -> RowConfig:
    book = BookRow(str(units), "Dropout(0.2)", {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}[opt],
                   "-", train, test)
    return RowConfig("rnn", str(row), "rnn", {"units": units, "dropout": 0.2}, opt, 20, 128, book)


_S, _A, _R = "sgd", "adam", "rmsprop"
_U = (256, 256, 256)
_ROW6 = _mlp(6, _U, "Dropout(0.45)", _S, True, 98.07, 98.1)
_MLP6_PARAMS, _BOOK6 = _ROW6.params, _ROW6.book
TABLES: dict[str, list[RowConfig]] = {
    # 书中表 1.3.2
    "mlp": [
        _mlp(1, _U, "None", _S, False, 93.65, 92.5),
        _mlp(2, _U, "L2(0.001)", _S, True, 99.35, 98.0),
        _mlp(3, _U, "L2(0.01)", _S, True, 96.90, 96.7),
        _mlp(4, _U, "None", _S, True, 99.93, 98.0),
        _mlp(5, _U, "Dropout(0.4)", _S, True, 98.23, 98.1),
        _ROW6,
        _mlp(7, _U, "Dropout(0.5)", _S, True, 97.68, 98.1),
        _mlp(8, _U, "Dropout(0.6)", _S, True, 97.11, 97.9),
        _mlp(9, (256, 512, 256), "Dropout(0.45)", _S, True, 98.21, 98.2),
        _mlp(10, (512, 512, 512), "Dropout(0.2)", _S, True, 99.45, 98.3),
        _mlp(11, (512, 512, 512), "Dropout(0.4)", _S, True, 98.95, 98.3),
        _mlp(12, (512, 1024, 512), "Dropout(0.45)", _S, True, 98.90, 98.2),
        _mlp(13, (1024, 1024, 1024), "Dropout(0.4)", _S, True, 99.37, 98.3),
        _mlp(14, _U, "Dropout(0.6)", _A, True, 98.64, 98.2),
        _mlp(15, _U, "Dropout(0.55)", _A, True, 99.02, 98.3),
        _mlp(16, _U, "Dropout(0.45)", _A, True, 99.39, 98.5),
        _mlp(17, _U, "Dropout(0.45)", _R, True, 98.75, 98.1),
        _mlp(18, (128, 128, 128), "Dropout(0.45)", _A, True, 98.70, 97.7),
    ],
    # 书中表 1.4.1
    "cnn": [
        _cnn(1, _S, 0.2, 97.76, 98.50),
        _cnn(2, _R, 0.2, 99.11, 99.00),
        _cnn(3, _A, 0.2, 99.75, 99.40),
        _cnn(4, _A, 0.4, 99.64, 99.30),
    ],
    # 书中表 1.5.1
    "rnn": [
        _rnn(1, 256, _S, 97.26, 98.00),
        _rnn(2, 256, _R, 96.72, 97.60),
        _rnn(3, 256, _A, 96.79, 97.40),
        _rnn(4, 512, _S, 97.88, 98.30),
    ],
    # 不是书中的表：书中 SGD 行（约 98%）与按 Keras 默认参数训练 20 轮的结果差距很大，
    # 这几行用书中第 6 行的模型检验两种解释：训练得不够久，或学习率/动量不同
    "mlp-sgd": [
        RowConfig("mlp-sgd", "1", "mlp", dict(_MLP6_PARAMS), "sgd", 100, 128, _BOOK6),
        RowConfig("mlp-sgd", "2", "mlp", dict(_MLP6_PARAMS), "sgd:learning_rate=0.1", 20, 128, _BOOK6),
        RowConfig("mlp-sgd", "3", "mlp", dict(_MLP6_PARAMS), "sgd:momentum=0.9", 20, 128, _BOOK6),
    ],
}
"""全部对比表的配置：书中的三张表，以及检验 SGD 差距的一张小表。"""

REFERENCE_ROWS = {"mlp": "16", "cnn": "3", "rnn": "1"}
"""与正文参考模型完全相同的那一行（书中脚本的默认设置）。"""


class ExperimentError(ValueError):
    """表名或行名无效。"""


def select_rows(table: str, only: Iterable[str] | None = None) -> list[RowConfig]:
    """返回表 ``table`` 中的行；``only`` 给出时只返回这些行。

    Raises:
        ExperimentError: 表名或行名无效；消息里列出有效值。
    """
    if table not in TABLES:
        raise ExperimentError(f"unknown table {table!r}; valid tables: {', '.join(TABLES)}")
    rows = TABLES[table]
    if not only:
        return rows
    names = [r.row for r in rows]
    wanted = [str(o) for o in only]
    unknown = [o for o in wanted if o not in names]
    if unknown:
        raise ExperimentError(
            f"unknown row(s) {', '.join(unknown)} in table {table!r}; valid rows: {', '.join(names)}"
        )
    return [r for r in rows if r.row in wanted]


# ---------------------------------------------------------------- provenance


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _backend_sees_gpu() -> bool:
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    if backend == "jax":
        import jax

        return any(d.platform == "gpu" for d in jax.devices())
    if backend == "torch":
        import torch

        return bool(torch.cuda.is_available())
    return False


def _gpu_info() -> list[dict[str, str]]:
    """后端能看到 GPU 时，用 nvidia-smi 读出每块 GPU 的型号与驱动版本。"""
    if not _backend_sees_gpu():
        return []
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return [{"name": "unknown GPU (nvidia-smi unavailable)"}]
    gpus = []
    for line in filter(None, out.splitlines()):
        name, driver, memory = (part.strip() for part in line.split(",", 2))
        gpus.append({"name": name, "driver": driver, "memory": memory})
    return gpus


def _framework_versions() -> dict[str, str | None]:
    """后端框架的版本，以及它编译时所用的 CUDA/cuDNN 版本（能读到时）。"""
    import keras

    backend = keras.backend.backend()
    info: dict[str, str | None] = {"framework": backend}
    if backend == "tensorflow":
        import tensorflow as tf

        build = tf.sysconfig.get_build_info()
        info.update(tensorflow=tf.__version__, cuda_build=build.get("cuda_version"),
                    cudnn_build=build.get("cudnn_version"))
    elif backend == "jax":
        import jax

        info.update(jax=jax.__version__)
    elif backend == "torch":
        import torch

        info.update(torch=torch.__version__, cuda_build=torch.version.cuda)
    return info


def _git_commit() -> str | None:
    try:
        root = Path(__file__).resolve().parent.parent
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=10, check=True)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def provenance(profile: Profile, seed: int) -> dict[str, Any]:
    """这次运行的来历：档位、硬件、系统、版本、日期、种子与 git 提交。"""
    import keras
    import numpy

    gpus = _gpu_info()
    return {
        "profile": profile.name,
        "seed": seed,
        "device": "gpu" if gpus else "cpu",
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "gpus": gpus,
        "os": platform.platform(),
        "python": platform.python_version(),
        **_framework_versions(),
        "keras": keras.__version__,
        "numpy": numpy.__version__,
        "backend": keras.backend.backend(),
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        # 系统负载（1/5/15 分钟平均）：同时有其他程序在跑时，耗时会偏大
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


def _versions_for_key() -> list[str]:
    import keras

    info = _framework_versions()
    backend = info["framework"]
    if backend == "tensorflow":
        return [str(info["tensorflow"]), keras.__version__]
    return [str(backend), str(info.get(str(backend))), keras.__version__]


def run_key(config: RowConfig, profile: Profile, seed: int, options: RunOptions | None = None) -> str:
    """一行结果的“有效性指纹”：配置、模型与训练代码、版本、档位、种子与运行选项的哈希。"""
    from adlk import models, training

    parts = {
        "spec": config.spec(),
        "builder": inspect.getsource(models.BUILDERS[config.model]),
        "train": inspect.getsource(training.train_and_evaluate),
        "steps_per_execution": STEPS_PER_EXECUTION,
        "versions": _versions_for_key(),
        "profile": asdict(profile),
        "seed": seed,
    }
    if options is not None and options != RunOptions():
        parts["options"] = asdict(options)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- result files


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """原子写入 JSON：先写同目录的临时文件，再改名覆盖，中途打断不会留下半个文件。"""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2, sort_keys=True)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def result_path(out_dir: Path, config: RowConfig) -> Path:
    """一行结果文件的位置：``<out_dir>/<table>/row<NN>.json``。"""
    return Path(out_dir) / config.table / f"row{int(config.row):02d}.json"


class ResultFileError(RuntimeError):
    """结果文件无法读取。"""


def read_result(path: Path) -> dict[str, Any]:
    """读取一个结果文件。

    Raises:
        ResultFileError: 文件不是有效的 JSON 或缺少必需字段；消息说明如何修复。
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for key in ("key", "config", "metrics", "provenance"):
            data[key]
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ResultFileError(
            f"result file {path} is damaged ({exc!r}); delete it and re-run "
            f"`python -m adlk reproduce` for that row"
        ) from exc
    return data


def is_current(path: Path, key: str) -> bool:
    """结果文件存在、可读，且指纹等于 ``key``。损坏的文件视为无效（会被重跑覆盖）。"""
    if not path.is_file():
        return False
    try:
        return read_result(path)["key"] == key
    except ResultFileError:
        return False


# ---------------------------------------------------------------- runner


def run_row(config: RowConfig, profile: Profile, seed: int = DEFAULT_SEED,
            verbose: int | str | None = None, options: RunOptions | None = None) -> dict[str, Any]:
    """训练一行配置，返回结果文件的内容（不写文件）。"""
    import contextlib

    import keras

    from adlk.datasets import load_mnist_for
    from adlk.models import BUILDERS
    from adlk.training import train_and_evaluate

    options = options or RunOptions()
    epochs = config.epochs if profile.max_epochs is None else min(config.epochs, profile.max_epochs)
    data = load_mnist_for(config.model, profile)
    scope: contextlib.AbstractContextManager = contextlib.nullcontext()
    if options.mirrored:
        import tensorflow as tf

        scope = tf.distribute.MirroredStrategy().scope()
    if options.mixed_precision:
        keras.mixed_precision.set_global_policy("mixed_float16")
    start = time.perf_counter()
    try:
        with scope:
            keras.utils.set_random_seed(seed)
            model = BUILDERS[config.model](**config.params)
            result = train_and_evaluate(model, data, optimizer=config.optimizer, epochs=epochs,
                                        batch_size=config.batch_size, seed=seed,
                                        steps_per_execution=STEPS_PER_EXECUTION,
                                        verbose=2 if verbose is None else verbose)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    wall = time.perf_counter() - start
    keras.backend.clear_session()
    metrics = asdict(result)
    metrics["steady_seconds_per_epoch"] = round(result.steady_seconds_per_epoch, 3)
    metrics["wall_seconds"] = round(wall, 1)
    metrics["train_samples"] = int(len(data[0][0]))
    metrics["test_samples"] = int(len(data[1][0]))
    prov = provenance(profile, seed)
    prov["options"] = asdict(options)
    prov["steps_per_execution"] = STEPS_PER_EXECUTION
    return {
        "key": run_key(config, profile, seed, options),
        "config": config.spec(),
        "book": asdict(config.book),
        "metrics": metrics,
        "provenance": prov,
    }


@dataclass
class RunSummary:
    """一次 :func:`reproduce` 的概况。"""

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0


def reproduce(table: str, out_dir: str | Path, only: Iterable[str] | None = None,
              profile: str | Profile | None = None, seed: int = DEFAULT_SEED,
              force: bool = False, progress: bool = True, options: RunOptions | None = None,
              budget_seconds: float | None = None) -> RunSummary:
    """逐行训练表 ``table``，每行结果原子写入 ``out_dir``；已有且仍有效的行跳过。

    Args:
        table: ``mlp``、``cnn`` 或 ``rnn``。
        out_dir: 结果目录。
        only: 只跑这些行。
        profile: 档位；省略时读取 ``ADLK_PROFILE``。
        seed: 随机种子。
        force: 为真时忽略已有结果，全部重跑。
        progress: 是否显示按行的进度条。
        options: 运行选项（多 GPU、混合精度），见 :class:`RunOptions`。
        budget_seconds: 时间预算：用完后不再开始新的行（已开始的行会跑完），剩下的行记在
            ``RunSummary.left`` 里，下次运行会接着跑。

    Returns:
        :class:`RunSummary`。
    """
    from adlk.progress import Progress

    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    rows = select_rows(table, only)
    summary = RunSummary()
    start = time.perf_counter()
    steps = Progress(rows, desc=f"{table} rows", label=lambda c: f"row {c.row}", enabled=progress)
    for config in steps:
        path = result_path(Path(out_dir), config)
        label = f"{table}/{config.row}"
        if not force and is_current(path, run_key(config, prof, seed, options)):
            summary.skipped.append(label)
            steps.write(f"{label}: result is current, skipped")
            continue
        if budget_seconds is not None and time.perf_counter() - start > budget_seconds:
            summary.left.append(label)
            steps.write(f"{label}: left for the next run (time budget used)")
            continue
        result = run_row(config, prof, seed, options=options)
        write_json_atomic(path, result)
        summary.ran.append(label)
        m = result["metrics"]
        steps.write(f"{label}: test accuracy {100 * m['test_accuracy']:.2f} %, {len(m['seconds_per_epoch'])} "
                    f"epoch(s), {m['wall_seconds']:.0f} s -> {path}")
    summary.wall_seconds = time.perf_counter() - start
    return summary
