import shutil

import numpy as np
import pytest

from adlk.datasets import mnist as datasets
from adlk.datasets import DataFileError, load_mnist, one_hot, stratified_subset

# 真实 MNIST 的各类数量（0–9）
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def full():
    return load_mnist("full")


def test_shapes_dtypes(full):
    (x_train, y_train), (x_test, y_test) = full
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.uint8


def test_real_label_counts(full):
    (_, y_train), (_, y_test) = full
    assert np.bincount(y_train).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == TEST_COUNTS


def test_original_order_and_pixels(full):
    (x_train, y_train), (x_test, y_test) = full
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    scaled = x_train / 255.0
    assert abs(scaled.mean() - 0.1307) < 1e-3 and abs(scaled.std() - 0.3081) < 1e-3
    assert x_train.max() == 255 and x_train.min() == 0


def test_smoke_subset_is_stratified_and_ordered(full):
    (x_train, y_train), (x_test, y_test) = load_mnist("smoke")
    assert np.bincount(y_train).tolist() == [100] * 10
    assert np.bincount(y_test).tolist() == [50] * 10
    keep = stratified_subset(full[0][1], 100)
    assert np.all(np.diff(keep) > 0)
    np.testing.assert_array_equal(x_train, full[0][0][keep])


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv("ADLK_PROFILE", "smoke")
    (x_train, _), _ = load_mnist()
    assert len(x_train) == 1000


def test_one_hot_matches_keras():
    import keras

    y = np.array([0, 3, 9, 3])
    np.testing.assert_array_equal(one_hot(y), keras.utils.to_categorical(y, 10))


def test_corrupted_file_is_named(tmp_path_factory):
    bad = tmp_path_factory.mktemp("data") / "mnist.npz"  # the test's own name must not be in the path
    assert "corrupted" not in str(bad)
    shutil.copy(datasets.mnist_path(), bad)
    data = bytearray(bad.read_bytes())
    data[1000] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(DataFileError) as err:
        load_mnist("full", path=bad, download_fallback=False)
    msg = str(err.value)
    assert "corrupted" in msg and str(bad) in msg and "git checkout" in msg
    # 原始数据文件没有被动过
    assert datasets._sha256(datasets.mnist_path()) == datasets.MNIST_SHA256


def test_valid_but_altered_file_fails_the_checksum(tmp_path_factory, full):
    """一份能正常读出的 mnist.npz，只改了一个像素：只有 sha256 校验能发现它。

    临时路径里不含 "corrupted"，消息里的这个词只能来自校验本身。
    """
    folder = tmp_path_factory.mktemp("data")
    altered = folder / "mnist.npz"
    assert "corrupted" not in str(altered)
    (x_train, y_train), (x_test, y_test) = full
    x_train = x_train.copy()
    x_train[0, 14, 14] ^= 1
    np.savez_compressed(altered, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    with np.load(altered) as f:  # 文件本身完好：格式、键名、形状都对
        assert f["x_train"].shape == (60000, 28, 28) and f["x_train"][0, 14, 14] != full[0][0][0, 14, 14]
    with pytest.raises(DataFileError) as err:
        load_mnist("full", path=altered, download_fallback=False)
    msg = str(err.value)
    assert "MNIST data file is corrupted" in msg and str(altered) in msg
    assert datasets._sha256(altered) in msg and datasets.MNIST_SHA256 in msg


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="not found"):
        load_mnist("full", path=tmp_path / "nope.npz", download_fallback=False)


def test_download_fallback(tmp_path, monkeypatch):
    fake = ((np.zeros((20, 28, 28), np.uint8), np.arange(20, dtype=np.uint8) % 10),
            (np.zeros((10, 28, 28), np.uint8), np.arange(10, dtype=np.uint8)))
    monkeypatch.setattr(datasets, "_keras_download", lambda: fake)
    (x, y), _ = load_mnist("full", path=tmp_path / "nope.npz")  # 默认：本地文件有问题时改用下载
    assert x.shape == (20, 28, 28)

    def offline():
        raise OSError("no network")

    monkeypatch.setattr(datasets, "_keras_download", offline)
    with pytest.raises(DataFileError) as err:
        load_mnist("full", path=tmp_path / "nope.npz")
    assert "not found" in str(err.value) and "download fallback failed too" in str(err.value)
    assert "git checkout" in str(err.value)


def test_moved_names_still_import_with_a_warning():
    with pytest.warns(DeprecationWarning, match="adlk.ch01"):
        from adlk.datasets import to_mlp_input  # noqa: F401


def test_cifar10_offline_error_names_the_substitute(monkeypatch, tmp_path):
    from adlk.datasets import cifar10

    monkeypatch.setenv("ADLK_DATA", str(tmp_path))
    monkeypatch.setattr(cifar10, "_reachable", lambda url, timeout=5.0: "cannot reach www.cs.toronto.edu (test)")
    with pytest.raises(DataFileError, match=r"load_mnistm\(\)"):
        cifar10.load_cifar10("smoke")
