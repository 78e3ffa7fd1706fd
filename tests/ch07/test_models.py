"""第 7 章的模型与损失：手算的小例子、网络的形状、训练步更新了哪些参数、检查点续跑与一口气跑完相同。"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from adlk.ch07 import (CycleGAN, adversarial_loss, build_discriminator, build_generator, cycle_loss,
                       discriminator_loss, generator_objective, instance_norm, patch_size, train_cyclegan)
from adlk.ch07.models import book_optimizers
from adlk.profiles import get_profile
from adlk.runs.context import RunContext, RunDeferred


def test_adversarial_loss_by_hand():
    out = np.array([[0.0, 0.5], [1.0, 2.0]])
    # (1 + 0.25 + 0 + 1) / 4
    assert float(adversarial_loss(out, 1.0)) == pytest.approx(0.5625)
    # (0 + 0.25 + 1 + 4) / 4
    assert float(adversarial_loss(out, 0.0)) == pytest.approx(1.3125)


def test_discriminator_loss_is_the_mse_of_the_concatenated_batch():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(4, 2, 2, 1)), rng.normal(size=(4, 2, 2, 1))
    book = np.mean((np.concatenate([real, fake]) - np.concatenate([np.ones_like(real), np.zeros_like(fake)])) ** 2)
    assert float(discriminator_loss(real, fake)) == pytest.approx(book)
    # 判别器对一切输出 0.5：损失 0.25
    assert float(discriminator_loss(np.full((2, 2), 0.5), np.full((2, 2), 0.5))) == pytest.approx(0.25)


def test_cycle_loss_is_mean_absolute_error():
    a = np.array([[0.0, 1.0], [0.5, 0.25]])
    b = np.array([[0.5, 0.0], [0.5, 0.75]])
    assert float(cycle_loss(a, b)) == pytest.approx((0.5 + 1.0 + 0.0 + 0.5) / 4)


def test_generator_objective_weights():
    # 1 + 2 + 10 × (0.1 + 0.2) = 6
    assert float(generator_objective(1.0, 2.0, 0.1, 0.2)) == pytest.approx(6.0)
    # 恒等项关闭时被忽略，打开时乘 0.5
    assert float(generator_objective(1.0, 2.0, 0.1, 0.2, 4.0, 6.0)) == pytest.approx(6.0)
    assert float(generator_objective(1.0, 2.0, 0.1, 0.2, 4.0, 6.0, identity_weight=0.5)) == pytest.approx(11.0)


def test_instance_norm_is_groupnorm_per_channel_and_matches_numpy():
    rng = np.random.default_rng(1)
    x = (rng.normal(size=(3, 5, 5, 6)) * np.arange(1, 7) + np.arange(6) * 3).astype("float32")
    layer = instance_norm()
    y = np.asarray(layer(x))
    assert isinstance(layer, layers.GroupNormalization) and layer.groups == 6 and layer.epsilon == 1e-3
    ref = (x - x.mean(axis=(1, 2), keepdims=True)) / np.sqrt(x.var(axis=(1, 2), keepdims=True) + 1e-3)
    np.testing.assert_allclose(y, ref, atol=1e-5)
    one = np.asarray(layers.GroupNormalization(groups=1)(x))
    assert np.abs(one - ref).max() > 0.5, "groups=1 should not be an instance norm"


@pytest.mark.parametrize("kernel", [3, 5])
def test_generator_shapes_and_range(kernel):
    g = build_generator((32, 32, 1), 3, kernel)
    out = np.asarray(g(np.random.default_rng(0).random((2, 32, 32, 1), dtype="float32")))
    assert out.shape == (2, 32, 32, 3)
    assert out.min() >= 0 and out.max() <= 1
    concat = [layer for layer in g.layers if isinstance(layer, layers.Concatenate)]
    assert [tuple(layer.output.shape[1:]) for layer in concat] == [(8, 8, 256), (16, 16, 128), (32, 32, 64)]
    norms = [layer for layer in g.layers if isinstance(layer, layers.GroupNormalization)]
    assert len(norms) == 7 and all(n.groups == -1 or n.groups == n.input.shape[-1] for n in norms)


def test_discriminator_patch_and_single_output():
    assert patch_size(32) == 2
    d = build_discriminator((32, 32, 3), 3, patchgan=True)
    assert tuple(d.output.shape[1:]) == (2, 2, 1)
    assert not any(isinstance(layer, layers.GroupNormalization) for layer in d.layers)
    d1 = build_discriminator((32, 32, 3), 3, patchgan=False)
    assert tuple(d1.output.shape[1:]) == (1,)


def tiny_cyclegan(identity_weight: float = 0.0, channels: tuple[int, int] = (1, 3)) -> CycleGAN:
    def gen(cin, cout):
        x = keras.Input(shape=(8, 8, cin))
        return keras.Model(x, layers.Conv2D(cout, 3, padding="same", activation="sigmoid")(x))

    def dis(c):
        x = keras.Input(shape=(8, 8, c))
        return keras.Model(x, layers.Conv2D(1, 3, strides=4, padding="same")(x))

    cs, ct = channels
    model = CycleGAN(gen(cs, ct), gen(ct, cs), dis(ct), dis(cs), identity_weight=identity_weight)
    model.compile(*book_optimizers())
    return model


def test_book_optimizer_rates():
    d_opt, g_opt = book_optimizers()
    assert float(d_opt.learning_rate) == pytest.approx(2e-4)
    assert float(g_opt.learning_rate) == pytest.approx(1e-4)


def test_train_step_updates_all_four_networks():
    keras.utils.set_random_seed(0)
    model = tiny_cyclegan()
    before = [np.array(v) for v in model.d_variables + model.g_variables]
    rng = np.random.default_rng(0)
    logs = model.train_on_batch((rng.random((4, 8, 8, 1), dtype="float32"), rng.random((4, 8, 8, 3), dtype="float32")),
                                return_dict=True)
    after = [np.array(v) for v in model.d_variables + model.g_variables]
    assert all(not np.array_equal(a, b) for a, b in zip(before, after)), "a network did not train"
    assert set(logs) == {"d_target_loss", "d_source_loss", "adv_loss", "cycle_loss", "g_loss"}
    assert logs["g_loss"] == pytest.approx(logs["adv_loss"] + 10 * logs["cycle_loss"], rel=1e-5)


def test_identity_term_when_both_domains_have_the_same_shape():
    keras.utils.set_random_seed(0)
    model = tiny_cyclegan(identity_weight=0.5, channels=(3, 3))
    rng = np.random.default_rng(0)
    logs = model.train_on_batch((rng.random((4, 8, 8, 3), dtype="float32"), rng.random((4, 8, 8, 3), dtype="float32")),
                                return_dict=True)
    assert "identity_loss" in logs and logs["identity_loss"] > 0
    assert logs["g_loss"] == pytest.approx(logs["adv_loss"] + 10 * logs["cycle_loss"] + 0.5 * logs["identity_loss"],
                                           rel=1e-5)


def test_resumed_training_equals_uninterrupted(tmp_path):
    rng = np.random.default_rng(0)
    source, target = rng.random((16, 8, 8, 1), dtype="float32"), rng.random((16, 8, 8, 3), dtype="float32")
    profile = get_profile("full")

    def run(ctx):
        keras.utils.set_random_seed(0)
        model = tiny_cyclegan()
        history = train_cyclegan(model, source, target, steps=4, batch_size=4, ctx=ctx, chunk=2, log_every=1,
                                 verbose=False)
        return model, history

    straight, h1 = run(RunContext(profile=profile, checkpoint_dir=tmp_path / "a", key="k"))
    late = RunContext(profile=profile, checkpoint_dir=tmp_path / "b", key="k", deadline=0.0)
    with pytest.raises(RunDeferred):
        run(late)
    resumed, h2 = run(RunContext(profile=profile, checkpoint_dir=tmp_path / "b", key="k"))
    assert h1["step"] == h2["step"] == [1, 2, 3, 4]
    for a, b in zip(straight.g_variables + straight.d_variables, resumed.g_variables + resumed.d_variables):
        np.testing.assert_allclose(np.array(a), np.array(b), rtol=1e-5, atol=1e-6)
