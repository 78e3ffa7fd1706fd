"""第 6 章关于 Keras 3 与书中写法的说法，逐条在当前安装的 Keras 上核对。"""

from __future__ import annotations

import keras
import numpy as np

from adlk.ch06 import build_dis1


def test_book_style_frozen_dis1_never_trains_on_keras3():
    """6.3 节：书中先 compile dis1，再设 dis1.trainable = False 并 compile adv1；Keras 3 在第一次调用、追踪训练函数时
    才读 trainable，所以 dis1.train_on_batch 一个参数也不更新（Keras 2 会更新）。"""
    keras.utils.set_random_seed(0)
    dis1 = build_dis1()
    dis1.compile(loss=["binary_crossentropy", "mse"], loss_weights=[1.0, 1.0], optimizer="rmsprop")
    dis1.trainable = False
    f = keras.Input(shape=(256,))
    adv1 = keras.Model(f, dis1(f))
    adv1.compile(loss=["binary_crossentropy", "mse"], optimizer="rmsprop")
    before = [np.array(w) for w in dis1.weights]
    x = np.random.default_rng(0).uniform(size=(16, 256)).astype("float32")
    dis1.train_on_batch(x, [np.ones((16, 1), "float32"), np.zeros((16, 50), "float32")])
    assert all(np.array_equal(b, np.array(w)) for b, w in zip(before, dis1.weights)), (
        "Keras now updates a model whose trainable flag was set to False after compile(); update 6.3 节")


def test_encoder_trained_before_the_flag_is_set_keeps_its_trained_weights():
    """6.3 节：书中编码器先 fit，之后才设 trainable = False，这个顺序在 Keras 3 上没有问题；之后再 fit 就不更新了。"""
    from adlk.ch06 import build_encoder, pretrain_encoder

    keras.utils.set_random_seed(0)
    enc0, enc1 = build_encoder()
    x = np.random.default_rng(0).uniform(size=(32, 28, 28, 1)).astype("float32")
    y = np.eye(10, dtype="float32")[np.arange(32) % 10]
    start = [np.array(w) for w in enc0.weights]
    pretrain_encoder(enc0, enc1, x, y, epochs=1, batch_size=16, verbose=0)
    assert any(not np.array_equal(a, np.array(w)) for a, w in zip(start, enc0.weights))
    enc0.trainable = False
    assert enc0.trainable_variables == []


def test_book_style_single_accuracy_metric_for_four_outputs_fails_at_the_first_step():
    """6.2 节：书中的判别器四个输出共用 metrics=['accuracy']；Keras 3 的 compile() 照常返回，第一次训练或评估时
    才报 ValueError（与 5.3 节 ACGAN 的两个输出相同）。"""
    import pytest

    from adlk.ch06 import build_infogan_discriminator

    d = build_infogan_discriminator()
    d.compile(loss=["binary_crossentropy", "categorical_crossentropy", "mse", "mse"],
              loss_weights=[1.0, 1.0, 0.5, 0.5], optimizer="rmsprop", metrics=["accuracy"])
    x = np.zeros((4, 28, 28, 1), "float32")
    y = [np.ones((4, 1), "float32"), np.eye(10, dtype="float32")[:4], np.zeros((4, 1), "float32"),
         np.zeros((4, 1), "float32")]
    with pytest.raises(ValueError):
        d.test_on_batch(x, y)


def test_one_optimizer_shared_by_two_compiled_models_fails_on_the_second():
    """6.3 节：书中 adv1 与 adv0 共用一个 RMSprop（dis1 与 dis0 也是）。Keras 3 的优化器在第一次 apply 时按那个模型的
    变量建好，之后只接受这些变量（keras/src/optimizers/base_optimizer.py 的 _check_variables_are_known），所以先训练的
    模型能训练，另一个在第一次 train_on_batch 时报错（Keras 2 没有这个限制）。"""
    import pytest

    keras.utils.set_random_seed(0)
    shared = keras.optimizers.RMSprop(learning_rate=1e-3)
    first = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    second = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    first.compile(optimizer=shared, loss="mse")
    second.compile(optimizer=shared, loss="mse")
    x, y = np.ones((8, 4), "float32"), np.zeros((8, 1), "float32")
    first.train_on_batch(x, y)
    with pytest.raises(ValueError, match="Unknown variable"):
        second.train_on_batch(x, y)


def test_stackedgan_builds_its_discriminator_optimizer_for_both_levels():
    """6.3 节：本站的 d_optimizer 在 compile 时按 dis0 与 dis1 的全部参数建好，所以一个优化器同时更新两层是合法的。"""
    from adlk.ch06 import build_stackedgan

    keras.utils.set_random_seed(0)
    gan = build_stackedgan()
    known = {id(v) for v in gan.d_optimizer._trainable_variables}
    assert {id(v) for v in gan.dis0.trainable_variables + gan.dis1.trainable_variables} <= known


def test_shared_optimizer_is_harmless_for_models_frozen_after_compile():
    """6.3 节：书中 dis1、dis0 共用一个 RMSprop，但都在 compile 之后才设 trainable = False，Keras 3 上它们的
    train_on_batch 没有可训练参数、不调用优化器，所以共用不报错。"""
    keras.utils.set_random_seed(0)
    shared = keras.optimizers.RMSprop(learning_rate=1e-3)
    models = [keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)]) for _ in range(2)]
    for m in models:
        m.compile(optimizer=shared, loss="mse")
        m.trainable = False
    x, y = np.ones((8, 4), "float32"), np.zeros((8, 1), "float32")
    for m in models:
        m.train_on_batch(x, y)
    assert shared.iterations.numpy() == 0
