"""离线 MNIST。

``load_mnist()`` 的返回值与 ``keras.datasets.mnist.load_data()`` 完全一致：
``((x_train, y_train), (x_test, y_test))``，uint8，形状 (60000, 28, 28) / (10000, 28, 28)，
顺序相同。数据随包分发（``adlk/data/mnist.npz``），加载时校验 sha256，不需要网络。

在 ``smoke`` 档位下（见 :mod:`adlk.profiles`）返回固定的分层子集：每个类别取原始顺序中
最前面的若干张，并保持原始相对顺序。
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np

from adlk.profiles import Profile, get_profile

MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
"""随包分发的 ``mnist.npz`` 的 sha256（由 ``adlk/data/make_mnist.py`` 生成）。"""

NUM_CLASSES = 10
IMAGE_SIZE = 28

MnistSplits = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class DataFileError(RuntimeError):
    """数据文件缺失、损坏或与记录的校验和不符。"""


def mnist_path() -> Path:
    """返回随包分发的 ``mnist.npz`` 的路径（文件可能不存在）。"""
    return Path(str(resources.files("adlk") / "data" / "mnist.npz"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_FIX = (
    "Restore it with `git checkout -- adlk/data/mnist.npz` (or reinstall adlk), "
    "or rebuild it with adlk/data/make_mnist.py; "
    "with network access, keras.datasets.mnist.load_data() also works."
)


def _read_verified(path: Path) -> MnistSplits:
    if not path.is_file():
        raise DataFileError(f"MNIST data file not found: {path}. {_FIX}")
    actual = _sha256(path)
    if actual != MNIST_SHA256:
        raise DataFileError(
            f"MNIST data file is corrupted: {path} has sha256 {actual}, "
            f"expected {MNIST_SHA256}. {_FIX}"
        )
    try:
        with np.load(path) as f:
            return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:  # pragma: no cover
        raise DataFileError(f"MNIST data file cannot be read: {path} ({exc}). {_FIX}") from exc


def _keras_download() -> MnistSplits:
    import keras

    return keras.datasets.mnist.load_data()


def stratified_subset(y: np.ndarray, per_class: int) -> np.ndarray:
    """每个类别取原始顺序中最前面的 ``per_class`` 个样本，返回按原顺序排列的下标。

    Args:
        y: 整数标签。
        per_class: 每类保留的数量。

    Returns:
        升序排列的下标数组。
    """
    picks = [np.flatnonzero(y == c)[:per_class] for c in np.unique(y)]
    return np.sort(np.concatenate(picks))


def load_mnist(
    profile: str | Profile | None = None,
    path: str | Path | None = None,
    download_fallback: bool = True,
) -> MnistSplits:
    """加载 MNIST，返回值与 ``keras.datasets.mnist.load_data()`` 相同。

    Args:
        profile: 档位名或 :class:`Profile`；省略时读取 ``ADLK_PROFILE``。
        path: 另一份 ``mnist.npz`` 的路径（同样校验 sha256）；省略时用随包分发的副本。
        download_fallback: 本地文件缺失或损坏时，先打印原因，再改用 Keras 自己的下载（需要网络）；
            下载也失败时抛出 :class:`DataFileError`，消息里同时说明两处原因与修复办法。

    Returns:
        ``((x_train, y_train), (x_test, y_test))``，全部为 uint8。

    Raises:
        DataFileError: 文件缺失或损坏，且没有（或无法）改用下载。
        adlk.profiles.ProfileError: 档位名无效。
    """
    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    file = Path(path) if path is not None else mnist_path()
    try:
        (x_train, y_train), (x_test, y_test) = _read_verified(file)
    except DataFileError as exc:
        if not download_fallback:
            raise
        print(f"[adlk] {exc} Trying keras.datasets.mnist.load_data() instead.", file=sys.stderr)
        try:
            (x_train, y_train), (x_test, y_test) = _keras_download()
        except Exception as download_exc:
            raise DataFileError(f"{exc} The download fallback failed too: {download_exc}") from exc
    if prof.train_per_class is not None:
        keep = stratified_subset(y_train, prof.train_per_class)
        x_train, y_train = x_train[keep], y_train[keep]
    if prof.test_per_class is not None:
        keep = stratified_subset(y_test, prof.test_per_class)
        x_test, y_test = x_test[keep], y_test[keep]
    return (x_train, y_train), (x_test, y_test)


def scale(images: np.ndarray) -> np.ndarray:
    """把 uint8 像素转成 [0, 1] 区间的 float32。"""
    return images.astype("float32") / 255.0


def one_hot(labels: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """把整数标签转成 one-hot 向量（float32），与 ``keras.utils.to_categorical`` 相同。"""
    return np.eye(num_classes, dtype="float32")[np.asarray(labels, dtype=int).reshape(-1)]
