"""替代数据集 load_mnistm()：形状、确定性（校验和）、MNIST-M 规则与照片的许可。"""

import hashlib
import inspect

import numpy as np
import pytest

from adlk.datasets import load_mnist, load_mnistm, stratified_subset
from adlk.datasets import mnistm

# smoke 档位（每类训练 100 张、测试 50 张）生成的四个数组按顺序拼接后的 sha256；
# 构造方法、种子、照片或它们的解码方式有任何变化，这个值都会变
SMOKE_SHA256 = "d051493d589b755d265d5ae8a5322cd4c7f4f1bb04f2d780087a33aafb3a8755"


def _digest(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def full():
    return load_mnistm("full")


@pytest.fixture(scope="module")
def smoke():
    return load_mnistm("smoke")


def test_checksum_of_fixed_subset(smoke):
    (x_train, y_train), (x_test, y_test) = smoke
    assert _digest(x_train, y_train, x_test, y_test) == SMOKE_SHA256


def test_same_contract_as_cifar10(full):
    (x_train, y_train), (x_test, y_test) = full
    assert x_train.shape == (60000, 32, 32, 3) and x_test.shape == (10000, 32, 32, 3)
    assert y_train.shape == (60000, 1) and y_test.shape == (10000, 1)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.uint8
    assert sorted(np.unique(y_train).tolist()) == list(range(10))


def test_labels_are_mnist_labels_in_order(full):
    (_, y_train), (_, y_test) = full
    (_, m_train), (_, m_test) = load_mnist("full")
    assert (y_train[:, 0] == m_train).all() and (y_test[:, 0] == m_test).all()


def test_smoke_subset_equals_full_images(full, smoke):
    (x_train, _), (x_test, _) = full
    (s_train, _), (s_test, _) = smoke
    (_, m_train), (_, m_test) = load_mnist("full")
    assert (x_train[stratified_subset(m_train, 100)] == s_train).all()
    assert (x_test[stratified_subset(m_test, 50)] == s_test).all()


def test_deterministic_across_calls(smoke):
    again = load_mnistm("smoke")
    assert all((a == b).all() for a, b in zip(smoke[0] + smoke[1], again[0] + again[1]))


def test_mnistm_rule_on_known_pixels():
    digits = np.array([[[0, 255], [128, 10]]], dtype=np.uint8)
    crops = np.array([[[[200, 0, 5], [200, 0, 5]], [[100, 128, 255], [10, 10, 10]]]], dtype=np.uint8)
    out = mnistm.blend(digits, crops)
    assert out.tolist() == [[[[200, 0, 5], [55, 255, 250]], [[28, 0, 127], [0, 0, 0]]]]
    assert out.dtype == np.uint8


def test_every_image_differs_from_the_bare_digit(smoke):
    """背景来自照片：图像不是单纯的灰度数字（三个通道不全相等），训练集和测试集的截块也不同。"""
    (x_train, _), (x_test, _) = smoke
    assert (x_train[..., 0] != x_train[..., 1]).mean() > 0.5
    assert not (x_train[:500] == x_test).all()


def test_photos_are_free_and_documented():
    import skimage.data

    source = inspect.getsource(skimage.data._fetchers)
    for name, (func, _) in mnistm.PHOTOS.items():
        doc = getattr(skimage.data, func).__doc__ or ""
        assert "CC0" in doc or "public domain" in doc.lower(), f"{name}: no CC0/public-domain note in scikit-image"
        assert f"def {func}(" in source
    readme = (mnistm.__file__.rsplit("/datasets/", 1)[0] + "/data/README.md")
    text = open(readme, encoding="utf-8").read()
    for name in mnistm.PHOTOS:
        assert f"`{name}`" in text
