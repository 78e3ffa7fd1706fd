"""第 6 章的数学与训练步：两种互信息损失、码与数字的最佳对应，InfoGAN 与 StackedGAN 各更新谁、不更新谁。"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest

from adlk.ch06 import (InfoGAN, StackedGAN, build_dis0, build_dis1, build_encoder, build_gen0, build_gen1,
                       build_infogan_discriminator, build_infogan_generator, code_digit_counts, matched_accuracy,
                       mi_categorical, mi_gaussian)
from adlk.ch04 import book_optimizers


def test_categorical_mi_loss_is_the_cross_entropy_of_the_true_code():
    code = np.array([[0, 1, 0], [1, 0, 0]], dtype="float32")
    q = np.array([[0.2, 0.5, 0.3], [0.25, 0.25, 0.5]], dtype="float32")
    # -E[log Q(c|x)] = -(log 0.5 + log 0.25) / 2
    assert float(mi_categorical(code, q)) == pytest.approx(-(math.log(0.5) + math.log(0.25)) / 2, rel=1e-5)
    # 完全确定时损失为 0，互信息的下界达到 H(c)
    assert float(mi_categorical(code, code)) == pytest.approx(0.0, abs=1e-5)


def test_gaussian_mi_loss_is_the_negative_log_likelihood_without_constants():
    c = np.array([[0.5], [-1.0]], dtype="float32")
    mu = np.array([[0.0], [-0.5]], dtype="float32")
    # ((0.5)² + (0.5)²) / 2 样本 / (2σ²)，σ = 1
    assert float(mi_gaussian(c, mu)) == pytest.approx(0.125, rel=1e-6)
    assert float(mi_gaussian(c, mu, sigma=0.5)) == pytest.approx(0.5, rel=1e-6)
    # 与完整的高斯负对数似然只差常数 log σ + ½ log 2π
    sigma = 0.7
    nll = np.mean(0.5 * ((c - mu) / sigma) ** 2 + math.log(sigma) + 0.5 * math.log(2 * math.pi))
    assert float(mi_gaussian(c, mu, sigma)) == pytest.approx(nll - math.log(sigma) - 0.5 * math.log(2 * math.pi),
                                                             rel=1e-5)


def test_matched_accuracy_finds_the_best_one_to_one_mapping():
    # 码 0 画 2，码 1 画 0，码 2 一半画 0 一半画 1
    codes = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
    digits = np.array([2, 2, 1, 0, 0, 0, 0, 0, 1, 1])
    counts = code_digit_counts(codes, digits, num_codes=3, num_digits=3)
    assert counts.tolist() == [[0, 1, 2], [3, 0, 0], [2, 2, 0]]
    accuracy, mapping = matched_accuracy(counts)
    # 贪心（码 1 → 0、码 0 → 2、码 2 → 1）与最优在这里相同：2 + 3 + 2 = 7
    assert mapping.tolist() == [2, 0, 1]
    assert accuracy == pytest.approx(0.7)
    # 一一对应：两个码不能都配数字 0，即使各自最多的都是 0
    acc2, mapping2 = matched_accuracy(np.array([[5, 4], [5, 0]]))
    assert sorted(mapping2.tolist()) == [0, 1] and acc2 == pytest.approx(9 / 14)
    with pytest.raises(ValueError, match="at least one"):
        matched_accuracy(np.zeros((2, 2)))


def test_infogan_networks_have_the_books_inputs_and_outputs():
    g = build_infogan_generator()
    assert [tuple(t.shape) for t in g.inputs] == [(None, 62), (None, 10), (None, 1), (None, 1)]
    assert tuple(g.output.shape) == (None, 28, 28, 1)
    d = build_infogan_discriminator()
    assert [tuple(t.shape) for t in d.outputs] == [(None, 1), (None, 10), (None, 1), (None, 1)]


def _variables(model):
    return [np.array(v) for v in model.trainable_variables]


def _changed(before, model):
    return [not np.array_equal(b, np.array(v)) for b, v in zip(before, model.trainable_variables)]


def test_infogan_step_updates_both_networks_and_logs_named_metrics():
    keras.utils.set_random_seed(1)
    gan = InfoGAN(build_infogan_generator(), build_infogan_discriminator(), seed=1)
    gan.compile(*book_optimizers())
    g0, d0 = _variables(gan.generator), _variables(gan.discriminator)
    x = np.random.default_rng(0).uniform(size=(8, 28, 28, 1)).astype("float32")
    y = np.eye(10, dtype="float32")[np.arange(8)]
    logs = gan.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"d_loss", "g_loss", *InfoGAN.extra_metrics}
    assert any(_changed(g0, gan.generator))
    assert any(_changed(d0, gan.discriminator))
    # 不给标签也能训练（论文里的无监督形式）
    assert np.isfinite(gan.train_on_batch(x, None, return_dict=True)["d_loss"])


def test_infogan_rejects_mismatched_networks():
    from adlk.ch04 import build_discriminator, build_generator

    with pytest.raises(ValueError, match="same number of codes"):
        InfoGAN(build_generator(62), build_discriminator())


def test_stackedgan_step_trains_generators_and_discriminators_but_never_the_encoder():
    keras.utils.set_random_seed(2)
    enc0, enc1 = build_encoder()
    gan = StackedGAN(enc0, enc1, build_gen0(), build_gen1(), build_dis0(), build_dis1(), seed=2)
    gan.compile(*book_optimizers())
    before = {name: _variables(getattr(gan, name)) for name in ("enc0", "enc1", "gen0", "gen1", "dis0", "dis1")}
    x = np.random.default_rng(0).uniform(size=(8, 28, 28, 1)).astype("float32")
    y = np.eye(10, dtype="float32")[np.arange(8)]
    logs = gan.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"d0_loss", "d1_loss", "g0_loss", "g1_loss", "g1_class_accuracy", "g0_feature_mse"}
    for name in ("gen0", "gen1", "dis0", "dis1"):
        assert any(_changed(before[name], getattr(gan, name))), f"{name} was not updated"
    for name in ("enc0", "enc1"):
        assert not any(_changed(before[name], getattr(gan, name))), f"{name} changed"
        # 冻结靠的不是 trainable 标志：它仍然是 True
        assert getattr(gan, name).trainable
    # 编码器的参数不在任何一个优化器里
    tracked = {id(v) for v in gan.d_variables + gan.g_variables}
    assert not tracked & {id(v) for v in enc0.trainable_variables + enc1.trainable_variables}
    out = gan([y, np.zeros((8, 50), "float32"), np.zeros((8, 50), "float32")])
    assert tuple(out.shape) == (8, 28, 28, 1)


def test_stackedgan_needs_labels():
    enc0, enc1 = build_encoder()
    gan = StackedGAN(enc0, enc1, build_gen0(), build_gen1(), build_dis0(), build_dis1())
    gan.compile(*book_optimizers())
    with pytest.raises(ValueError, match="one-hot labels"):
        gan.train_step(np.zeros((2, 28, 28, 1), "float32"))
