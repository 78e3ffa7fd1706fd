"""load_cifar10()：在测试自己做的、CIFAR-10 官方格式的小压缩包上检验解析，以及离线时的报错。"""

import io
import pickle
import tarfile
import urllib.request

import numpy as np
import pytest

from adlk.datasets import DataFileError, cifar10, load_cifar10

PER_BATCH = 4  # 每个批文件 4 张图（官方每批 10,000 张）


def _batch(seed: int) -> dict:
    """官方格式的一个批：键为 bytes，data 为 (N, 3072) uint8、按通道优先（先 1024 个红，再绿、蓝），labels 为 list。"""
    rng = np.random.default_rng(seed)
    return {b"batch_label": f"batch {seed}".encode(), b"labels": rng.integers(0, 10, PER_BATCH).tolist(),
            b"data": rng.integers(0, 256, (PER_BATCH, 3072), dtype=np.uint8),
            b"filenames": [f"img{seed}_{i}.png".encode() for i in range(PER_BATCH)]}


def _archive(path, names=("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5",
                          "test_batch")):
    batches = {}
    with tarfile.open(path, "w:gz") as tar:
        for seed, name in enumerate(names, start=1):
            batches[name] = _batch(seed)
            # 官方文件由 Python 2 写出（protocol 2，字符串是 bytes）；Python 3 的 protocol 2 会把 bytes 写成
            # _codecs.encode 调用，protocol 3 才像官方文件那样直接存 bytes，读出来的对象相同
            data = pickle.dumps(batches[name], protocol=3)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        meta = pickle.dumps({b"label_names": [b"airplane"]}, protocol=2)
        info = tarfile.TarInfo("cifar-10-batches-py/batches.meta")
        info.size = len(meta)
        tar.addfile(info, io.BytesIO(meta))
    return batches


def test_parses_official_format(tmp_path):
    path = tmp_path / "cifar-10-python.tar.gz"
    batches = _archive(path)
    (x_train, y_train), (x_test, y_test) = load_cifar10("full", path=path)
    assert x_train.shape == (5 * PER_BATCH, 32, 32, 3) and x_test.shape == (PER_BATCH, 32, 32, 3)
    assert y_train.shape == (5 * PER_BATCH, 1) and y_test.shape == (PER_BATCH, 1)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    # 顺序：data_batch_1 … 5，再是 test_batch；标签原样
    expected = sum((batches[f"data_batch_{i}"][b"labels"] for i in range(1, 6)), [])
    assert y_train[:, 0].tolist() == expected
    assert y_test[:, 0].tolist() == batches["test_batch"][b"labels"]
    # 像素：行 3072 = 3 个通道 × 32 × 32，转成 高 × 宽 × 通道
    row = batches["data_batch_1"][b"data"][0]
    assert x_train[0, 0, 0].tolist() == [row[0], row[1024], row[2048]]
    assert x_train[0, 1, 2, 1] == row[1024 + 32 + 2]
    assert (x_test[3] == batches["test_batch"][b"data"][3].reshape(3, 32, 32).transpose(1, 2, 0)).all()


def test_smoke_profile_keeps_a_stratified_subset(tmp_path):
    path = tmp_path / "c.tar.gz"
    _archive(path)
    (x_full, y_full), _ = load_cifar10("full", path=path)
    (x_s, y_s), _ = load_cifar10("smoke", path=path)
    # 每类最多 100 张：这个小压缩包里每类都不到 100 张，smoke 就是全部
    assert (x_s == x_full).all() and (y_s == y_full).all()


def test_missing_batch_is_a_clear_error(tmp_path):
    path = tmp_path / "c.tar.gz"
    _archive(path, names=("data_batch_1", "data_batch_2", "test_batch"))
    with pytest.raises(DataFileError, match="data_batch_3, data_batch_4, data_batch_5"):
        load_cifar10("full", path=path)


def test_damaged_archive_is_a_clear_error(tmp_path):
    path = tmp_path / "c.tar.gz"
    path.write_bytes(b"not a tar file")
    with pytest.raises(DataFileError, match="delete it and download again"):
        load_cifar10("full", path=path)


def test_refuses_pickles_that_are_not_arrays(tmp_path):
    path = tmp_path / "c.tar.gz"
    _archive(path)
    evil = pickle.dumps({b"data": np.zeros((1, 3072), np.uint8), b"labels": [0], b"x": print}, protocol=2)
    with tarfile.open(path, "w:gz") as tar:
        for name in ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"):
            info = tarfile.TarInfo(name)
            info.size = len(evil)
            tar.addfile(info, io.BytesIO(evil))
    with pytest.raises(DataFileError, match="not allowed"):
        load_cifar10("full", path=path)


def test_offline_error_names_the_substitute(tmp_path, monkeypatch):
    monkeypatch.setenv(cifar10.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(cifar10, "_reachable", lambda url, timeout=5.0: "cannot reach www.cs.toronto.edu (test)")

    def no_download(*args, **kwargs):  # 报错必须在尝试下载之前
        raise AssertionError("urlopen must not be called when offline")

    monkeypatch.setattr(urllib.request, "urlopen", no_download)
    with pytest.raises(DataFileError) as info:
        load_cifar10("full")
    message = str(info.value)
    assert "adlk.datasets.load_mnistm()" in message
    assert "cannot reach" in message and str(tmp_path) in message
    assert not any(tmp_path.iterdir())  # 没有留下半截文件


def test_missing_explicit_path_names_the_substitute(tmp_path):
    with pytest.raises(DataFileError, match=r"load_mnistm\(\)"):
        load_cifar10("full", path=tmp_path / "nope.tar.gz")
