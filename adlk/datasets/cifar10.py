"""CIFAR-10：与 ``keras.datasets.cifar10.load_data()`` 相同的返回值，下载一次、校验 sha256、缓存。

CIFAR-10（Alex Krizhevsky，2009）不随本仓库分发。有网络的读者第一次调用时下载官方的
``cifar-10-python.tar.gz``（约 163 MB），核对 sha256 后存进缓存目录，以后直接读取。没有网络时立刻报错，
消息里写明本站的替代数据集：第 2 章的记录运行用的是同样形状（32×32×3，10 类）的 MNIST-M 风格数据集
``adlk.datasets.load_mnistm()``。
"""

from __future__ import annotations

import io
import os
import pickle
import tarfile
from pathlib import Path

import numpy as np

from adlk.datasets.files import download_verified, unreachable_reason
from adlk.datasets.mnist import DataFileError, _sha256, stratified_subset
from adlk.profiles import Profile, get_profile

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
"""官方压缩包的 sha256（与 Keras 自己校验的值相同）。"""
ARCHIVE_NAME = "cifar-10-python.tar.gz"
CACHE_ENV = "ADLK_DATA"

Splits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

SUBSTITUTE = ("Offline, use the substitute this site records its runs on: adlk.datasets.load_mnistm() "
              "(MNIST-M-style digits on photo crops, 32x32x3, 10 classes, same return format).")


def cache_dir() -> Path:
    """下载的缓存目录：``$ADLK_DATA``，或 ``~/.cache/adlk``。"""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "adlk")


class _ArrayUnpickler(pickle.Unpickler):
    """只允许重建 NumPy 数组的反序列化（CIFAR-10 的批文件是 pickle）。"""

    ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
               ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module: str, name: str):  # noqa: D102
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"CIFAR-10 batch refers to {module}.{name}, which is not allowed")
        return super().find_class(module, name)


def _read_batch(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    d = _ArrayUnpickler(io.BytesIO(data), encoding="bytes").load()
    d = {k.decode() if isinstance(k, bytes) else k: v for k, v in d.items()}
    x = np.asarray(d["data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    y = np.asarray(d["labels"], dtype=np.uint8).reshape(-1, 1)
    return x, y


def read_archive(path: Path) -> Splits:
    """解析官方格式的 ``cifar-10-python.tar.gz``：5 个训练批、1 个测试批。

    Raises:
        DataFileError: 压缩包损坏或缺少批文件；消息说明删除哪个文件后重新下载。
    """
    try:
        with tarfile.open(path, "r:gz") as tar:
            members = {Path(m.name).name: m for m in tar.getmembers() if m.isfile()}
            names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
            missing = [n for n in names if n not in members]
            if missing:
                raise DataFileError(f"{path} lacks {', '.join(missing)}; delete it and download again")
            batches = [_read_batch(tar.extractfile(members[n]).read()) for n in names]
    except (tarfile.TarError, OSError, EOFError, pickle.UnpicklingError, KeyError, ValueError) as exc:
        raise DataFileError(f"CIFAR-10 archive {path} cannot be read ({exc}); delete it and download again") from exc
    x_train = np.concatenate([b[0] for b in batches[:5]])
    y_train = np.concatenate([b[1] for b in batches[:5]])
    return (x_train, y_train), batches[5]


def _reachable(url: str, timeout: float = 5.0) -> str | None:
    """网络不通时返回原因（几秒内），通时返回 ``None``。"""
    return unreachable_reason(url, timeout)


def download(url: str, target: Path, sha256: str) -> Path:
    """下载 ``url`` 到 ``target``（先写临时文件，校验 sha256 后再改名），返回 ``target``。

    Raises:
        DataFileError: 网络不通、下载失败或校验和不符；消息里说明原因与替代办法。
    """
    return download_verified(url, target, sha256, algorithm="sha256", name="CIFAR-10", substitute=SUBSTITUTE,
                             offline=_reachable(url))


def load_cifar10(profile: str | Profile | None = None, path: str | Path | None = None) -> Splits:
    """加载 CIFAR-10，返回值与 ``keras.datasets.cifar10.load_data()`` 相同。

    Args:
        profile: 档位名或 :class:`~adlk.profiles.Profile`；省略时读取 ``ADLK_PROFILE``。``smoke`` 档位返回
            每类前若干张的分层子集。
        path: 一份已下载的 ``cifar-10-python.tar.gz``；省略时用缓存（没有就下载一次）。

    Returns:
        ``((x_train, y_train), (x_test, y_test))``：x 为 uint8、形状 (50000, 32, 32, 3) / (10000, 32, 32, 3)，
        y 为 uint8、形状 (N, 1)。

    Raises:
        DataFileError: 没有缓存且无法下载（离线时立刻报错，消息里给出替代数据集），或文件损坏、校验和不符。
    """
    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise DataFileError(f"CIFAR-10 archive not found: {file}. {SUBSTITUTE}")
    else:
        file = cache_dir() / ARCHIVE_NAME
        if file.is_file() and _sha256(file) != CIFAR10_SHA256:
            raise DataFileError(f"cached CIFAR-10 archive {file} does not match sha256 {CIFAR10_SHA256}; "
                                "delete it and call load_cifar10() again to download it anew")
        if not file.is_file():
            download(CIFAR10_URL, file, CIFAR10_SHA256)
    (x_train, y_train), (x_test, y_test) = read_archive(file)
    if prof.train_per_class is not None:
        keep = stratified_subset(y_train[:, 0], prof.train_per_class)
        x_train, y_train = x_train[keep], y_train[keep]
    if prof.test_per_class is not None:
        keep = stratified_subset(y_test[:, 0], prof.test_per_class)
        x_test, y_test = x_test[keep], y_test[keep]
    return (x_train, y_train), (x_test, y_test)
