"""第 1 章的三种输入形式。"""

import numpy as np
import pytest

from adlk.ch01 import load_mnist_for, to_cnn_input, to_mlp_input, to_rnn_input
from adlk.datasets import load_mnist, one_hot


def test_views():
    (x_train, y_train), _ = load_mnist("smoke")
    mlp, cnn, rnn = to_mlp_input(x_train), to_cnn_input(x_train), to_rnn_input(x_train)
    assert mlp.shape == (1000, 784) and cnn.shape == (1000, 28, 28, 1) and rnn.shape == (1000, 28, 28)
    for v in (mlp, cnn, rnn):
        assert v.dtype == np.float32 and v.min() >= 0.0 and v.max() <= 1.0
    np.testing.assert_array_equal(mlp[3], cnn[3].ravel())
    np.testing.assert_array_equal(rnn[3][5], x_train[3][5] / np.float32(255))
    oh = one_hot(y_train)
    assert oh.shape == (1000, 10) and oh.sum(axis=1).tolist() == [1.0] * 1000
    assert oh[np.arange(1000), y_train].tolist() == [1.0] * 1000


def test_load_for_view():
    (x, y), (xt, yt) = load_mnist_for("cnn", "smoke")
    assert x.shape == (1000, 28, 28, 1) and y.shape == (1000, 10) and xt.shape == (500, 28, 28, 1)
    with pytest.raises(ValueError, match="valid views: mlp, cnn, rnn"):
        load_mnist_for("transformer", "smoke")
