"""第 2 章模型：参数个数与论文一致、结构要点、坏参数的报错、一步训练的损失有限。"""

import math

import keras
import numpy as np
import pytest

from adlk.ch02 import (augmentation, build_cnn_functional, build_y_network, densenet_bc, lr_schedule,
                       receptive_field, resnet, resnet_v1, resnet_v2)
from adlk.ch02.train import build_named

# He 等（2015）表 6 的参数量（百万）：ResNet20/32/44/56/110 v1
PAPER_V1 = {20: 0.27, 32: 0.46, 44: 0.66, 56: 0.85, 110: 1.7}


@pytest.mark.parametrize("depth", sorted(PAPER_V1))
def test_resnet_v1_parameters_match_paper(depth):
    model = resnet_v1(depth)
    # Keras 的口径（含 BN 滑动统计量和两个投影卷积）与论文相差不到 3%
    assert abs(model.count_params() / 1e6 - PAPER_V1[depth]) / PAPER_V1[depth] < 0.03
    # 论文的口径：只数可训练权重、不含投影捷径（论文用补零的恒等捷径），截断到论文写出的位数
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    projection = sum(la.count_params() for la in model.layers
                     if isinstance(la, keras.layers.Conv2D) and la.kernel_size == (1, 1))
    digits = 1 if depth == 110 else 2
    assert math.floor((trainable - projection) / 1e6 * 10**digits) / 10**digits == PAPER_V1[depth]


def test_densenet_bc_100_k12_has_08m_parameters():
    # Huang 等（2017）表 2：DenseNet-BC（L=100，k=12）0.8M
    assert round(densenet_bc(100, 12).count_params() / 1e6, 1) == 0.8


def test_resnet_v2_depths_and_bottleneck_widths():
    model = resnet_v2(20)
    assert model.name == "ResNet20v2"
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    # 1 个首层 + 每块 3 个 + 每阶段 1 个投影
    assert len(convs) == 1 + 3 * 6 + 3
    # 书中代码：块输出 64、128、256；瓶颈中间的宽度是上一阶段的输出（16、64、128）
    assert sorted({c.filters for c in convs}) == [16, 64, 128, 256]
    middle = [c.filters for c in convs if c.kernel_size == (3, 3)][1:]
    assert sorted(set(middle)) == [16, 64, 128]
    assert model.layers[-4].__class__.__name__ == "Activation"  # 最后的 BN-ReLU 在池化之前
    assert resnet(1, 2).name == "ResNet11v2" and resnet(1, 1).name == "ResNet8v1"


def test_resnet_v1_layer_count_is_depth():
    """深度 = 3×3 卷积层数 + 1 个 Dense（1×1 投影捷径不计入，与论文的计数相同）。"""
    for depth in (8, 20):
        model = resnet_v1(depth)
        conv3 = [la for la in model.layers if isinstance(la, keras.layers.Conv2D) and la.kernel_size == (3, 3)]
        dense = [la for la in model.layers if isinstance(la, keras.layers.Dense)]
        assert len(conv3) + len(dense) == depth


def test_cnn_functional_same_parameters_as_chapter1():
    from adlk.ch01 import build_cnn

    assert build_cnn_functional().count_params() == build_cnn().count_params() == 80266


def test_y_network_more_than_double_the_cnn():
    y, cnn = build_y_network().count_params(), build_cnn_functional().count_params()
    assert y > 2 * cnn
    assert [t.name for t in build_y_network().inputs] == ["left_input", "right_input"]


def test_receptive_field_of_dilated_branch():
    model = build_y_network()
    left = keras.Model(model.get_layer("left_input").output, model.get_layer("left_pool3").output)
    right = keras.Model(model.get_layer("right_input").output, model.get_layer("right_pool3").output)
    assert [r for _, r in receptive_field(left)] == [3, 4, 8, 10, 18, 22]
    assert [r for _, r in receptive_field(right)] == [5, 6, 14, 16, 32, 36]


@pytest.mark.parametrize("bad", [21, 19, 0, "20"])
def test_bad_resnet_v1_depth_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="6n\\+2"):
        resnet_v1(bad)


def test_bad_v2_depth_and_names():
    with pytest.raises(ValueError, match="9n\\+2"):
        resnet_v2(32)
    with pytest.raises(ValueError, match="version must be 1 or 2"):
        resnet(3, 3)
    with pytest.raises(ValueError, match="densenet-bc-<depth>"):
        build_named("vgg16")
    with pytest.raises(ValueError, match="4 \\+ 6m"):
        densenet_bc(50)
    with pytest.raises(ValueError, match="compression"):
        densenet_bc(40, compression=0)


def test_named_models():
    assert build_named("ResNet8v1").count_params() == resnet_v1(8).count_params()
    assert build_named("densenet-bc-10").name == "DenseNet-BC-10-k12"


def test_lr_schedule_matches_book():
    assert lr_schedule(0) == lr_schedule(80) == 1e-3
    assert math.isclose(lr_schedule(81), 1e-4) and math.isclose(lr_schedule(121), 1e-5)
    assert math.isclose(lr_schedule(161), 1e-6) and math.isclose(lr_schedule(181), 5e-7)


@pytest.mark.parametrize("epoch, lr", [(80, 1e-3), (81, 1e-4), (120, 1e-4), (121, 1e-5), (160, 1e-5), (161, 1e-6),
                                       (180, 1e-6), (181, 5e-7), (199, 5e-7)])
def test_lr_schedule_at_its_boundaries(epoch, lr):
    """书中的 ``if epoch > 180 … elif epoch > 160 …``：每个分界轮次本身仍用上一段的学习率，下一轮才下降。"""
    assert math.isclose(lr_schedule(epoch), lr, rel_tol=1e-12), (epoch, lr_schedule(epoch))


def test_augmentation_only_in_training():
    aug = augmentation(flip=True, seed=1)
    x = np.random.default_rng(0).random((4, 32, 32, 3)).astype("float32")
    assert np.allclose(keras.ops.convert_to_numpy(aug(x, training=False)), x)
    assert not np.allclose(keras.ops.convert_to_numpy(aug(x, training=True)), x)


# 最浅的合法深度（每段一个残差块或每个密集块一层）：走的是与 ResNet20、DenseNet-BC-40 相同的代码，
# 三段之间的投影捷径与过渡层都在，只是块数少，CI 上编译得快
@pytest.mark.parametrize("name", ["resnet8v1", "resnet11v2", "densenet-bc-10"])
def test_one_train_step_is_finite(name):
    from adlk.ch02.train import compile_book, is_densenet, with_augmentation

    keras.utils.set_random_seed(0)
    model = compile_book(with_augmentation(build_named(name), flip=False, seed=0), is_densenet(name))
    rng = np.random.default_rng(0)
    x = rng.random((8, 32, 32, 3)).astype("float32")
    y = keras.utils.to_categorical(rng.integers(0, 10, 8), 10)
    logs = model.train_on_batch(x, y, return_dict=True)
    assert np.isfinite(logs["loss"]) and logs["loss"] > 0
    probs = keras.ops.convert_to_numpy(model(x, training=False))
    assert probs.shape == (8, 10) and np.allclose(probs.sum(axis=1), 1, atol=1e-4)


def test_y_network_one_step_finite():
    model = build_y_network()
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    x = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    y = keras.utils.to_categorical([0, 1, 2, 3], 10)
    logs = model.train_on_batch([x, x], y, return_dict=True)
    assert np.isfinite(logs["loss"])
