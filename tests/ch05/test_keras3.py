"""5.3 节关于 Keras 3 多输出模型日志的说法，在当前安装的 Keras 上核对。

书中 ACGAN 的判别器有两个输出，``compile(loss=[...], metrics=['accuracy'])``，再按位置读
``train_on_batch`` 返回的列表：loss、srcloss、lblloss、srcacc、lblacc。每个测试写明期望的行为，
Keras 改了它时失败，并说明 docs/ch05/acgan.md 的哪一句要跟着改。
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

LOSSES = ["binary_crossentropy", "categorical_crossentropy"]


def two_outputs(source_name: str) -> keras.Model:
    """真假一支、类别一支；真假一支总说“真”（准确率 1），类别一支总说 0 类（对 1 类的标签准确率 0）。"""
    x = keras.Input(shape=(4,))
    source = layers.Dense(1, activation="sigmoid", name=source_name,
                          kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(5.0))(x)
    label = layers.Dense(3, activation="softmax", name="label", kernel_initializer="zeros",
                         bias_initializer=keras.initializers.Constant([5.0, 0.0, 0.0]))(x)
    return keras.Model(x, [source, label])


def data():
    x = np.ones((8, 4), "float32")
    return x, [np.ones((8, 1), "float32"), keras.utils.to_categorical(np.ones(8), 3)]


def test_the_books_single_accuracy_for_two_outputs_fails_at_the_first_training_call():
    """书中的 metrics=['accuracy'] 用在两个输出的模型上：compile() 照常返回，第一次 train_on_batch 报 ValueError。"""
    model = two_outputs("activation")
    model.compile(loss=LOSSES, optimizer=keras.optimizers.SGD(0.0), metrics=["accuracy"])
    x, y = data()
    with pytest.raises(ValueError, match="metrics") as info:
        model.train_on_batch(x, y)
    assert "output structure" in str(info.value), (
        "the error for metrics=['accuracy'] changed: revise the sentence in docs/ch05/acgan.md")


@pytest.mark.parametrize("source_name, accuracies", [
    ("activation", [1.0, 0.0]),  # 书中的名字（未命名的 Activation 层）：顺序与书中的标签相同
    ("source", [0.0, 1.0]),  # 本站的名字：按名字排序，label 排在 source 前面，两个准确率对调
])
def test_flat_list_puts_losses_in_output_order_and_metrics_in_name_order(source_name, accuracies):
    """每个输出各给一组指标时，列表是 [总损失, 各输出的损失（按输出顺序）, 各指标（按名字排序）]。"""
    model = two_outputs(source_name)
    model.compile(loss=LOSSES, optimizer=keras.optimizers.SGD(0.0), metrics=[["accuracy"], ["accuracy"]])
    x, y = data()
    flat = model.train_on_batch(x, y)
    logs = model.train_on_batch(x, y, return_dict=True)
    assert len(flat) == 5
    assert flat[1] == pytest.approx(logs[f"{source_name}_loss"], rel=1e-5)
    assert flat[2] == pytest.approx(logs["label_loss"], rel=1e-5)
    assert flat[3:] == pytest.approx(accuracies), (
        f"Keras changed the order of the flat train_on_batch list ({flat}): revise docs/ch05/acgan.md")
    assert logs[f"{source_name}_accuracy"] == pytest.approx(1.0) and logs["label_accuracy"] == pytest.approx(0.0)
