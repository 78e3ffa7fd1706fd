"""8.2 节关于 Keras 3 的说法：书中的 add_loss 写法为什么不能运行，权重文件的格式。

每个测试写明期望的行为；Keras 改了它时失败，并说明 docs/ch08/keras3.md 的哪一句要跟着改。
"""

from __future__ import annotations

import keras
import pytest
from keras import layers, ops


def symbolic_vae():
    inputs = keras.Input(shape=(784,))
    h = layers.Dense(8, activation="relu")(inputs)
    z_mean, z_log_var = layers.Dense(2)(h), layers.Dense(2)(h)
    outputs = layers.Dense(784, activation="sigmoid")(z_mean)
    return keras.Model(inputs, outputs), z_mean, z_log_var


def test_tensorflow_backend_functions_reject_keras_tensors():
    """书中的 K.square(z_mean)：z_mean 是 KerasTensor，交给 TensorFlow 的函数时报 ValueError。"""
    from tensorflow.keras import backend as K

    _, z_mean, _ = symbolic_vae()
    with pytest.raises(ValueError, match="KerasTensor cannot be used as input to a TensorFlow function"):
        K.square(z_mean)
    with pytest.raises(AttributeError, match="base_dtype"):
        K.mean(z_mean)


def test_keras_ops_work_on_keras_tensors_but_functional_add_loss_is_not_implemented():
    """换成 keras.ops 能算出符号损失，但函数式模型的 add_loss 只有一行 raise NotImplementedError（没有信息）。"""
    vae, z_mean, z_log_var = symbolic_vae()
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    loss = ops.mean(kl)
    assert isinstance(loss, keras.KerasTensor)
    with pytest.raises(NotImplementedError) as info:
        vae.add_loss(loss)
    assert str(info.value) == "", (
        "functional Model.add_loss now says something: revise the explanation in docs/ch08/keras3.md")


def test_add_loss_inside_a_layer_call_works():
    """8.2 节：Keras 3 的 add_loss() 在某个层的 call() 里、作用于真实张量时可以用。"""

    class KLLayer(layers.Layer):
        def call(self, inputs):
            z_mean, z_log_var = inputs
            self.add_loss(ops.mean(-0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), -1)))
            return z_mean

    layer = KLLayer()
    layer([ops.ones((4, 2)), ops.zeros((4, 2))])
    assert len(layer.losses) == 1 and float(layer.losses[0]) == pytest.approx(1.0)  # 每维 0.5·μ² = 0.5


def test_weights_need_the_weights_h5_suffix(tmp_path):
    """书中的 save_weights("vae_mlp_mnist.tf") 报 ValueError；书中附带的 TensorFlow 检查点也读不进来。"""
    vae, _, _ = symbolic_vae()
    with pytest.raises(ValueError, match=r"must end in `?\.weights\.h5"):
        vae.save_weights(str(tmp_path / "vae_mlp_mnist.tf"))
    (tmp_path / "vae_mlp_mnist.tf.index").write_bytes(b"")  # 书中附带的检查点由 .index 与 .data-* 组成
    with pytest.raises(ValueError):
        vae.load_weights(str(tmp_path / "vae_mlp_mnist.tf"))
    vae.save_weights(str(tmp_path / "vae_mlp_mnist.weights.h5"))
    vae.load_weights(str(tmp_path / "vae_mlp_mnist.weights.h5"))


def test_saving_the_weights_of_a_vae_trained_only_through_train_step_fails(tmp_path):
    """8.3 节：fit() 只调用 train_step，从没调用过 VAE 本身，vae.save_weights() 报“has not yet been built”；
    编码器和解码器是函数式模型，可以各自保存。"""
    import numpy as np

    from adlk.ch08 import VAE, build_mlp_vae

    encoder, decoder = build_mlp_vae(intermediate_dim=8)
    vae = VAE(encoder, decoder)
    vae.compile(optimizer="adam")
    vae.fit(np.random.default_rng(0).uniform(size=(16, 784)).astype("float32"), epochs=1, batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="not yet been built"):
        vae.save_weights(str(tmp_path / "vae.weights.h5"))
    decoder.save_weights(str(tmp_path / "decoder.weights.h5"))


def test_saved_weights_do_not_carry_the_sampling_layers_seed_state(tmp_path):
    """8.2 节（keras3.md）：发生器的状态是 Sampling 层的一个变量，但 Keras 3 的 save_weights() 不保存它
    （它既不在可训练变量里，也不在不可训练变量里）；本站的检查点按 model.variables 保存，才把它存下。
    Keras 改为保存它时，这个测试失败：请改写 docs/ch08/keras3.md 里“发生器的状态”那一句。"""
    import keras
    import numpy as np

    from adlk.ch08.models import Sampling
    from adlk.runs.context import keras_state

    def build():
        a, b = keras.Input((2,)), keras.Input((2,))
        return keras.Model([a, b], Sampling(seed=1)([a, b]))

    model = build()
    x = np.zeros((2, 2), "float32")
    for _ in range(3):
        model.predict_on_batch([x, x])
    state = [np.array(v) for v in model.variables if "seed_generator" in v.path]
    assert state and state[0][1] == 3, "three calls advance the generator three times"
    assert any(np.array_equal(s, state[0]) for s in keras_state(model)), "the project's checkpoint keeps it"
    model.save_weights(tmp_path / "m.weights.h5")
    fresh = build()
    fresh.load_weights(tmp_path / "m.weights.h5")
    loaded = [np.array(v) for v in fresh.variables if "seed_generator" in v.path]
    assert loaded[0][1] == 0, "Keras 3 save_weights() now keeps the seed state: revise docs/ch08/keras3.md"
