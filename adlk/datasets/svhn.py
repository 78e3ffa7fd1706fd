"""SVHN（Street View House Numbers，Netzer 等，2011）的 32×32 裁剪版：读官方的 ``.mat`` 文件，下载一次、校验、缓存。

SVHN 不随本仓库分发。有网络的读者第一次调用 :func:`load_svhn` 时下载官方的 ``train_32x32.mat``（约 182 MB）
与 ``test_32x32.mat``（约 64 MB），核对 MD5（官方没有公布 sha256，这两个 MD5 是 torchvision 等常用加载器
核对的同一对值）后存进缓存目录。没有网络时立刻报错，消息里写明本站的替代数据：第 7 章的记录运行用
MNIST-M 风格的数据集 ``adlk.datasets.load_mnistm()``（照片纹理上的数字，32×32×3，10 类）代替 SVHN。

文件格式（MATLAB 5 格式，``scipy.io.loadmat`` 可读）：``X`` 是 uint8、形状 (32, 32, 3, N)，图像的下标在最后一维；
``y`` 是形状 (N, 1) 的标签，数字 0 记作 10。:func:`read_svhn_mat` 把它们转成与
``keras.datasets.cifar10.load_data()`` 相同的形式：x 为 (N, 32, 32, 3)，y 为 (N, 1)，数字 0 记作 0。
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from adlk.datasets.files import download_verified, file_digest, unreachable_reason
from adlk.datasets.mnist import DataFileError, stratified_subset
from adlk.profiles import Profile, get_profile

SVHN_URL = "http://ufldl.stanford.edu/housenumbers/"
FILES = {"train": ("train_32x32.mat", "e26dedcc434d2e4c54c9b2d4a06d8373"),
         "test": ("test_32x32.mat", "eb5a983be6a315427106f1b164d9cef3")}
"""两个划分的文件名与 MD5。"""
CACHE_ENV = "ADLK_DATA"

SUBSTITUTE = ("Offline, use the substitute this site records chapter 7 on: adlk.datasets.load_mnistm() "
              "(MNIST-M-style digits on photo crops, 32x32x3, labels 0-9, same return format).")


def cache_dir() -> Path:
    """下载的缓存目录：``$ADLK_DATA``，或 ``~/.cache/adlk``。"""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "adlk")


def _md5(path: Path) -> str:
    return file_digest(path, "md5")


def read_svhn_mat(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """读一个 SVHN 格式的 ``.mat`` 文件。

    Returns:
        ``(x, y)``：x 为 uint8、形状 (N, 32, 32, 3)；y 为 uint8、形状 (N, 1)，取值 0–9（文件里的 10 换成 0）。

    Raises:
        DataFileError: 文件读不出来、缺少 ``X`` 或 ``y``、形状不对，或标签不在 1–10 之内。
    """
    from scipy import io
    from scipy.io.matlab import MatReadError

    try:
        mat = io.loadmat(str(path))
    except (OSError, ValueError, TypeError, NotImplementedError, MatReadError) as exc:
        raise DataFileError(f"SVHN file {path} cannot be read ({exc}); delete it and download again") from exc
    if "X" not in mat or "y" not in mat:
        raise DataFileError(f"SVHN file {path} lacks the arrays 'X' and 'y' (has {sorted(k for k in mat if not k.startswith('__'))})")
    x, y = np.asarray(mat["X"]), np.asarray(mat["y"]).reshape(-1)
    if x.ndim != 4 or x.shape[:3] != (32, 32, 3) or x.shape[3] != len(y):
        raise DataFileError(f"SVHN file {path}: X has shape {x.shape} and y has {len(y)} labels; "
                            "expected X of shape (32, 32, 3, N) and N labels")
    if len(y) and (y.min() < 1 or y.max() > 10):
        raise DataFileError(f"SVHN file {path}: labels range over {y.min()}..{y.max()}, expected 1..10")
    images = np.ascontiguousarray(np.transpose(x, (3, 0, 1, 2)), dtype=np.uint8)
    labels = (y % 10).astype(np.uint8).reshape(-1, 1)
    return images, labels


def _reachable(url: str, timeout: float = 5.0) -> str | None:
    return unreachable_reason(url, timeout)


def download(url: str, target: Path, md5: str) -> Path:
    """下载 ``url`` 到 ``target``（先写临时文件，校验 MD5 后再改名），返回 ``target``。

    Raises:
        DataFileError: 网络不通、下载失败或校验和不符；消息里说明原因与替代数据。
    """
    return download_verified(url, target, md5, algorithm="md5", name="SVHN", substitute=SUBSTITUTE,
                             offline=_reachable(url))


def load_svhn(profile: str | Profile | None = None, folder: str | Path | None = None,
              check: bool = True) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """加载 SVHN 的 32×32 版（训练集 73,257 张，测试集 26,032 张），返回值与 ``keras.datasets.cifar10.load_data()`` 相同。

    Args:
        profile: 档位名或 :class:`~adlk.profiles.Profile`；``smoke`` 档位返回每类前若干张的分层子集。
        folder: 放着 ``train_32x32.mat`` 与 ``test_32x32.mat`` 的目录；省略时用缓存目录（没有就下载一次）。
        check: 是否核对文件的 MD5（给出 ``folder`` 且里面是自己做的同格式小文件时设为 ``False``）。

    Raises:
        DataFileError: 没有文件且无法下载（离线时立刻报错，消息里给出替代数据集），或文件损坏、校验和不符。
    """
    prof = profile if isinstance(profile, Profile) else get_profile(profile)
    base = Path(folder) if folder is not None else cache_dir() / "svhn"
    out = []
    for split, per_class in (("train", prof.train_per_class), ("test", prof.test_per_class)):
        name, md5 = FILES[split]
        file = base / name
        if not file.is_file():
            if folder is not None:
                raise DataFileError(f"SVHN file not found: {file}. {SUBSTITUTE}")
            download(SVHN_URL + name, file, md5)
        elif check and _md5(file) != md5:
            raise DataFileError(f"SVHN file {file} does not match MD5 {md5}; delete it and load again")
        x, y = read_svhn_mat(file)
        if per_class is not None:
            keep = stratified_subset(y[:, 0], per_class)
            x, y = x[keep], y[keep]
        out.append((x, y))
    return out[0], out[1]
