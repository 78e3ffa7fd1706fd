"""第 13 章的数学：熵、互信息、IIC 损失、匈牙利匹配、二元高斯的闭式解和 Donsker–Varadhan 下界，
都与手算的例子比较。"""

import math

import numpy as np
import pytest

from adlk.ch13 import mi


def test_entropy_by_hand():
    assert mi.entropy([0.5, 0.5]) == pytest.approx(math.log(2))
    assert mi.entropy([1.0, 0.0, 0.0]) == 0.0
    assert mi.entropy(np.full(10, 0.1)) == pytest.approx(math.log(10))


def test_mutual_information_by_hand():
    # 完全相关的两个均匀二值变量：I = log 2；独立：I = 0
    assert mi.mutual_information([[0.5, 0], [0, 0.5]]) == pytest.approx(math.log(2))
    assert mi.mutual_information(np.outer([0.3, 0.7], [0.6, 0.4])) == pytest.approx(0.0, abs=1e-12)
    # P = [[0.4, 0.1], [0.1, 0.4]]，边缘都是 0.5：0.8 log(0.4/0.25) + 0.2 log(0.1/0.25)
    p = [[0.4, 0.1], [0.1, 0.4]]
    assert mi.mutual_information(p) == pytest.approx(0.8 * math.log(1.6) + 0.2 * math.log(0.4))
    assert mi.mutual_information(p) == pytest.approx(0.19274, abs=1e-5)
    # I = H(X) + H(Y) - H(X, Y)
    assert mi.mutual_information(p) == pytest.approx(2 * math.log(2) - mi.entropy(p))
    with pytest.raises(ValueError):
        mi.mutual_information([[0.5, 0.5], [0.5, 0.5]])


def test_joint_matrix_by_hand():
    z1 = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    z2 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    # z1ᵀ z2 / 3 = [[1.5, 0], [0.5, 1]] / 3，对称化后 [[1.5, 0.25], [0.25, 1]] / 3
    assert mi.joint_matrix(z1, z2) == pytest.approx(np.array([[1.5, 0.25], [0.25, 1.0]]) / 3)


def test_iic_objective_by_hand():
    # 两个视图一一对应且两簇各占一半：损失 = -log 2（互信息的最大值）
    one_hot = np.array([[1.0, 0], [0, 1.0], [1.0, 0], [0, 1.0]])
    assert mi.iic_objective(one_hot, one_hot) == pytest.approx(-math.log(2))
    # 全部塌缩进一个簇：互信息为 0，损失为 0
    collapsed = np.array([[1.0, 0]] * 4)
    assert mi.iic_objective(collapsed, collapsed) == pytest.approx(0.0, abs=1e-9)
    # 每个视图都是均匀分布（平凡解）：损失也是 0
    uniform = np.full((4, 2), 0.5)
    assert mi.iic_objective(uniform, uniform) == pytest.approx(0.0, abs=1e-9)
    # P = [[0.4, 0.1], [0.1, 0.4]]：λ = 1 时是 -I；λ = 2 时 -(Σ P log P + 4 log 2)
    z1 = np.array([[0.8, 0.2], [0.2, 0.8]])
    z2 = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert mi.joint_matrix(z1, z2) == pytest.approx(np.array([[0.4, 0.1], [0.1, 0.4]]))
    assert mi.iic_objective(z1, z2) == pytest.approx(-0.19274, abs=1e-5)
    hand = -(0.8 * math.log(0.4) + 0.2 * math.log(0.1) + 4 * math.log(2))
    assert mi.iic_objective(z1, z2, lamb=2.0) == pytest.approx(hand)
    assert hand == pytest.approx(-1.5791, abs=1e-4)


@pytest.mark.parametrize("lamb", [0.0, 0.25, 0.5, 0.75, 1.0, 2.0])
def test_iic_objective_is_conditional_entropy_minus_weighted_marginal_entropy(lamb):
    # 13.2 节：P 对称时 L_λ = H(z|z') - (2λ - 1) H(z)
    rng = np.random.default_rng(0)
    z1, z2 = rng.dirichlet(np.ones(4), 64), rng.dirichlet(np.ones(4), 64)
    p = mi.joint_matrix(z1, z2)
    marginal = p.sum(axis=1)
    conditional = mi.entropy(p.ravel()) - mi.entropy(p.sum(axis=0))
    assert mi.iic_objective(z1, z2, lamb) == pytest.approx(conditional - (2 * lamb - 1) * mi.entropy(marginal), abs=1e-9)


@pytest.mark.parametrize("lamb, collapse_wins", [(0.25, True), (0.5, None), (0.75, False), (1.0, False)])
def test_collapse_is_optimal_only_below_one_half(lamb, collapse_wins):
    # 两个视图完全一致：坍缩的损失是 0，均匀用满 10 个簇的损失是 (1 - 2λ) log 10
    collapsed = np.eye(10)[np.zeros(100, dtype=int)]
    even = np.eye(10)[np.arange(100) % 10]
    a, b = mi.iic_objective(collapsed, collapsed, lamb), mi.iic_objective(even, even, lamb)
    if collapse_wins is None:
        assert a == pytest.approx(b, abs=1e-6)
    else:
        assert (a < b) is collapse_wins


def test_iic_loss_in_keras_matches_numpy():
    from keras import ops

    rng = np.random.default_rng(0)
    z1 = rng.dirichlet(np.ones(5), size=64).astype("float32")
    z2 = rng.dirichlet(np.ones(5), size=64).astype("float32")
    for lamb in (1.0, 1.5):
        keras_value = float(ops.convert_to_numpy(mi.iic_loss(ops.convert_to_tensor(z1), ops.convert_to_tensor(z2),
                                                             lamb)))
        assert keras_value == pytest.approx(mi.iic_objective(z1, z2, lamb), rel=1e-4, abs=1e-6)


def test_hungarian_matching_by_hand():
    labels = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    # 簇 2 ↔ 类 0，簇 0 ↔ 类 1，簇 1 ↔ 类 2；有一个 2 被分进了簇 2
    clusters = np.array([2, 2, 2, 0, 0, 1, 1, 2])
    mapping, counts = mi.match_clusters(labels, clusters)
    assert mapping.tolist() == [1, 2, 0]
    assert counts.tolist() == [[0, 2, 0], [0, 0, 2], [3, 0, 1]]
    assert mi.cluster_accuracy(labels, clusters) == pytest.approx(7 / 8)
    # 簇名无关紧要：把簇重新编号，准确率不变
    assert mi.cluster_accuracy(labels, (clusters + 1) % 3) == pytest.approx(7 / 8)
    # 两个簇不能同时对应一个类：全部分进一个簇时，只有最大的类算对
    assert mi.cluster_accuracy(labels, np.zeros(8, dtype=int)) == pytest.approx(3 / 8)
    # 簇多于类别：多出的簇不对应任何类别，里面的样本都算错
    mapping, _ = mi.match_clusters(labels, np.array([0, 0, 3, 1, 1, 2, 2, 2]), n_clusters=4, n_classes=3)
    assert sorted(mapping.tolist()) == [-1, 0, 1, 2]
    assert mi.cluster_accuracy(labels, np.array([0, 0, 3, 1, 1, 2, 2, 2]), n_clusters=4) == pytest.approx(7 / 8)


def test_gaussian_mi_closed_form():
    assert mi.gaussian_mi(0.0) == 0.0
    assert mi.gaussian_mi(0.5) == pytest.approx(-0.5 * math.log(0.75))
    assert mi.gaussian_mi(0.5) == pytest.approx(0.143841, abs=1e-6)
    assert mi.gaussian_mi(0.8) == pytest.approx(0.510826, abs=1e-6)
    assert mi.gaussian_mi(-0.8) == mi.gaussian_mi(0.8)
    with pytest.raises(ValueError):
        mi.gaussian_mi(1.0)


def test_gaussian_mi_matches_numerical_integral():
    # 对 log p(x,y)/(p(x)p(y)) 在联合密度下做数值积分
    rho = 0.6
    g = np.linspace(-7, 7, 1401)
    x, y = np.meshgrid(g, g)
    det = 1 - rho**2
    pxy = np.exp(-(x**2 - 2 * rho * x * y + y**2) / (2 * det)) / (2 * math.pi * math.sqrt(det))
    px = np.exp(-x**2 / 2) / math.sqrt(2 * math.pi)
    py = np.exp(-y**2 / 2) / math.sqrt(2 * math.pi)
    integral = (pxy * np.log(pxy / (px * py))).sum() * (g[1] - g[0]) ** 2
    assert integral == pytest.approx(mi.gaussian_mi(rho), rel=1e-4)


def test_dv_bound_by_hand():
    # T 在联合样本上恒为 1，在边缘样本上取 0 和 log 3：1 - log((1 + 3) / 2) = 1 - log 2
    assert mi.dv_bound([1.0, 1.0], [0.0, math.log(3)]) == pytest.approx(1 - math.log(2))
    # 常数 T：下界为 0（加常数不改变下界）
    assert mi.dv_bound([5.0, 5.0], [5.0, 5.0]) == pytest.approx(0.0)
    assert mi.dv_bound([1.0, 2.0], [0.5, 1.5]) == pytest.approx(mi.dv_bound([11.0, 12.0], [10.5, 11.5]))
    # 数值稳定：很大的 T 不溢出
    assert mi.dv_bound([1000.0], [1000.0]) == pytest.approx(0.0)


def test_dv_bound_is_tight_at_the_log_density_ratio():
    # 离散分布：按概率把每个格子重复若干次当作样本，T = log P/(P_X P_Y) 时下界等于互信息，别的 T 更低
    p = np.array([[0.4, 0.1], [0.1, 0.4]])
    q = np.outer(p.sum(1), p.sum(0))
    t = np.log(p / q)
    joint = np.repeat(t.ravel(), (p.ravel() * 100).astype(int))
    marginal = np.repeat(t.ravel(), (q.ravel() * 100).astype(int))
    assert mi.dv_bound(joint, marginal) == pytest.approx(mi.mutual_information(p))
    worse = 0.5 * t
    assert mi.dv_bound(np.repeat(worse.ravel(), (p.ravel() * 100).astype(int)),
                       np.repeat(worse.ravel(), (q.ravel() * 100).astype(int))) < mi.mutual_information(p)


def test_dv_loss_in_keras_matches_numpy():
    from keras import ops

    from adlk.ch13.mine import dv_loss

    tj = np.array([[0.3], [1.2], [-0.5]], dtype="float32")
    tm = np.array([[0.1], [2.0], [-1.0], [0.7]], dtype="float32")
    value = float(ops.convert_to_numpy(dv_loss(ops.convert_to_tensor(tj), ops.convert_to_tensor(tm))))
    assert value == pytest.approx(-mi.dv_bound(tj, tm), rel=1e-5)
