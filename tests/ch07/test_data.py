"""第 7 章的数据：两个域取自不相交的两半、与 MNIST 的对应、灰度换算，以及 SVHN ``.mat`` 文件的读取与离线报错。"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import io

from adlk.ch03 import PALETTE
from adlk.ch07 import halves, load_grey_colour, load_mnist_mnistm, pad32, to_grey
from adlk.datasets import DataFileError, load_mnist, load_svhn, read_svhn_mat
from adlk.datasets import svhn as svhn_module


def test_halves_are_disjoint_and_cover_everything():
    for n in (1, 10, 11, 500):
        a, b = halves(n)
        assert len(np.intersect1d(a, b)) == 0
        assert np.array_equal(np.sort(np.concatenate([a, b])), np.arange(n))
        assert len(a) - len(b) in (0, 1)
        assert np.all(np.diff(a) > 0) and np.all(np.diff(b) > 0)


def test_mnist_mnistm_domains_come_from_disjoint_mnist_halves():
    d = load_mnist_mnistm("smoke")
    (x_train, _), (x_test, y_test) = load_mnist(profile="smoke")
    a, b = halves(len(x_train))
    assert np.array_equal(d.source, pad32(x_train[a]))
    # 目标域的每张图都由后一半的 MNIST 数字生成：笔画处（数字为 255）的像素等于照片截块减 255 的绝对值，
    # 这里只核对数量与形状，以及源域里没有一张与目标域同一个下标的数字
    assert len(d.target) == len(b) and d.target.shape[1:] == (32, 32, 3) and d.source.shape[1:] == (32, 32, 1)
    ta, tb = halves(len(x_test))
    assert np.array_equal(d.test_source_labels, y_test[ta]) and np.array_equal(d.test_target_labels, y_test[tb])
    assert d.test_target_pair is None


def test_grey_colour_domains_and_their_pairs():
    d = load_grey_colour("smoke")
    assert d.source.shape[1:] == (32, 32, 1) and d.target.shape[1:] == (32, 32, 3)
    # 测试集保留了成对的真实彩色图：它的灰度版就是源域的测试图
    assert np.array_equal(to_grey(d.test_target_pair), d.test_source)
    # 灰度里看不出颜色：所有笔画满强度的像素灰度相同（10 种颜色亮度相同，四舍五入后相差不超过 1）
    full = d.test_source_digits == 1.0
    values = d.test_source[..., 0][full]
    assert values.max() - values.min() <= 1
    # 彩色笔画的颜色由类别决定
    for img, digits, label in zip(d.test_target_pair[:20], d.test_source_digits[:20], d.test_source_labels[:20]):
        assert np.array_equal(img[digits == 1.0][0], PALETTE[label])


def test_to_grey_uses_bt601_weights():
    rgb = np.array([[[[255, 0, 0], [0, 255, 0], [0, 0, 255], [100, 100, 100]]]], dtype=np.uint8)
    assert to_grey(rgb)[0, 0, :, 0].tolist() == [76, 150, 29, 100]


def write_mat(path, n=3, labels=(10, 1, 9), seed=0):
    x = np.random.default_rng(seed).integers(0, 256, size=(32, 32, 3, n), dtype=np.uint8)
    io.savemat(path, {"X": x, "y": np.array(labels, dtype=np.uint8).reshape(-1, 1)})
    return x


def test_read_svhn_mat_transposes_and_maps_ten_to_zero(tmp_path):
    x = write_mat(tmp_path / "a.mat")
    images, labels = read_svhn_mat(tmp_path / "a.mat")
    assert images.shape == (3, 32, 32, 3) and images.dtype == np.uint8
    assert labels[:, 0].tolist() == [0, 1, 9] and labels.shape == (3, 1)
    assert np.array_equal(images[2], x[..., 2])


def test_read_svhn_mat_rejects_wrong_files(tmp_path):
    io.savemat(tmp_path / "no_y.mat", {"X": np.zeros((32, 32, 3, 2), np.uint8)})
    with pytest.raises(DataFileError, match="lacks"):
        read_svhn_mat(tmp_path / "no_y.mat")
    io.savemat(tmp_path / "shape.mat", {"X": np.zeros((3, 32, 32, 2), np.uint8), "y": np.ones((2, 1))})
    with pytest.raises(DataFileError, match="shape"):
        read_svhn_mat(tmp_path / "shape.mat")
    io.savemat(tmp_path / "labels.mat", {"X": np.zeros((32, 32, 3, 2), np.uint8), "y": np.array([[0], [3]])})
    with pytest.raises(DataFileError, match="1..10"):
        read_svhn_mat(tmp_path / "labels.mat")
    (tmp_path / "junk.mat").write_bytes(b"not a mat file")
    with pytest.raises(DataFileError):
        read_svhn_mat(tmp_path / "junk.mat")


def test_load_svhn_from_a_folder_and_its_errors(tmp_path):
    with pytest.raises(DataFileError, match="load_mnistm"):
        load_svhn("full", folder=tmp_path)
    write_mat(tmp_path / "train_32x32.mat", n=4, labels=(10, 1, 1, 2))
    write_mat(tmp_path / "test_32x32.mat", n=2, labels=(3, 10), seed=1)
    with pytest.raises(DataFileError, match="MD5"):
        load_svhn("full", folder=tmp_path)
    (x_train, y_train), (x_test, y_test) = load_svhn("full", folder=tmp_path, check=False)
    assert x_train.shape == (4, 32, 32, 3) and y_train[:, 0].tolist() == [0, 1, 1, 2]
    assert y_test[:, 0].tolist() == [3, 0]


def test_load_svhn_offline_names_the_substitute(tmp_path, monkeypatch):
    monkeypatch.setenv("ADLK_DATA", str(tmp_path))
    monkeypatch.setattr(svhn_module, "_reachable", lambda url, timeout=5.0: "cannot reach ufldl.stanford.edu (offline)")
    with pytest.raises(DataFileError) as err:
        load_svhn("full")
    assert "load_mnistm" in str(err.value) and "not in the cache" in str(err.value)
    assert not any(tmp_path.rglob("*.part"))
