"""第 3 章页面上关于 Keras 3 与书中 tf.keras 2 写法差别的说法，在已安装的 Keras 上核对。

页面上的代码块演示了 K.int_shape 与 .h5 检查点；这里核对页面上只用文字说明的一条（多输出模型的指标），
并把 K.int_shape 的说法也固定下来。Keras 的行为变了，这些测试就会失败，页面上的说法要跟着改。
"""

import keras
import numpy as np


def test_flat_metrics_list_is_split_across_outputs():
    """3.5 节：多输出模型的 metrics=["accuracy", "mse"] 在 Keras 3 中按顺序分给两个输出，日志里只有两个指标。

    tf.keras 2 会把扁平的列表用在每一个输出上（书中的日志因此有四个）；Keras 3.15 不再这样。
    """
    inputs = keras.Input((4,))
    label = keras.layers.Dense(2, activation="softmax", name="classifier")(inputs)
    image = keras.layers.Dense(4, name="decoder")(inputs)
    model = keras.Model(inputs, [label, image])
    model.compile(loss=["categorical_crossentropy", "mse"], optimizer="adam", metrics=["accuracy", "mse"])
    x = np.random.default_rng(0).random((8, 4)).astype("float32")
    y = keras.utils.to_categorical(np.arange(8) % 2, 2)
    history = model.fit(x, [y, x], epochs=1, verbose=0).history
    metric_names = {k for k in history if not k.endswith("loss")}
    assert metric_names == {"classifier_accuracy", "decoder_mse"}, sorted(history)


def test_book_int_shape_still_runs_through_tensorflow_keras():
    """3.2 节：书中的 from tensorflow.keras import backend as K; K.int_shape(x) 仍能运行，多后端的 keras.backend 没有它。"""
    from tensorflow.keras import backend as K

    x = keras.layers.Conv2D(8, 3, strides=2, padding="same")(keras.Input((28, 28, 1)))
    assert K.int_shape(x) == (None, 14, 14, 8) == x.shape
    assert not hasattr(keras.backend, "int_shape")


def test_symbolic_shape_is_a_plain_tuple_without_as_list():
    """3.5 节：仓库脚本的 x.shape.as_list() 是 TensorFlow 形状的方法；Keras 3 的符号张量形状是普通元组，没有它。"""
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same")(keras.Input((28, 28, 1)))
    assert type(x.shape) is tuple and not hasattr(x.shape, "as_list")
