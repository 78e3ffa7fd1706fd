"""页面上关于 Keras 3 与书中 Keras 2 代码不同之处的说法，在这里按 Keras 3 的行为核对。

Keras 升级后这些测试失败，说明页面上的说法需要改写。
"""

import keras
import pytest


@pytest.mark.parametrize("name", ["batch_dot", "repeat_elements", "clip", "sum", "log", "mean", "exp", "expand_dims"])
def test_book_backend_functions_are_gone(name):
    # 书中的 mi_loss 用 K.batch_dot、K.repeat_elements、K.clip 等；Keras 3 的 keras.backend 里没有它们
    assert not hasattr(keras.backend, name), f"keras.backend.{name} exists again; update docs/ch13/iic.md"


def test_keras_backend_keeps_only_utilities():
    assert hasattr(keras.backend, "epsilon") and hasattr(keras.backend, "floatx")


def test_adam_rejects_lr():
    # 书中写 Adam(lr=1e-3) 与 Adam(lr=0.01)；Keras 3 的优化器不认 lr，多出的关键字参数引发 ValueError
    with pytest.raises(ValueError, match="lr"):
        keras.optimizers.Adam(lr=0.01)
    assert float(keras.optimizers.Adam(learning_rate=0.01).learning_rate.numpy()) == pytest.approx(0.01)
