"""第 8 章页面上的说法，用提交的结果文件（docs/results/cpu/ch08/）核对。"""

from __future__ import annotations

import numpy as np
import pytest

from adlk.ch08.experiments import TABLES
from adlk.ch08.report import class_share
from adlk.runs.results import read_result, result_path
from adlk.site.figures import load_artifact
from tests.conftest import DOCS

RESULTS = DOCS / "results" / "cpu"
ROWS = [(t, r) for t in TABLES for r in t.runs]


def _result(table_id: str, row: str) -> dict:
    table = next(t for t in TABLES if t.id == table_id)
    path = result_path(RESULTS, table, table.run(row))
    assert path.is_file(), f"{path} is missing: run `python -m adlk reproduce {table_id} --only {row}`"
    return read_result(path)


def _metrics(table_id: str, row: str) -> dict[str, float]:
    return _result(table_id, row)["metrics"]


@pytest.mark.parametrize("table, run", ROWS, ids=[f"{t.name}/{r.row}" for t, r in ROWS])
def test_every_row_is_recorded_at_its_settings_with_the_books_parameter_count(table, run):
    data = _result(table.id, run.row)
    assert data["run"]["params"] == run.params
    assert data["counts"]["epochs"] == run.params["epochs"]
    assert data["counts"]["train_samples"] == 60_000 and data["counts"]["test_samples"] == 10_000
    assert data["metrics"]["parameters"] == run.book["parameters"]
    m = data["metrics"]
    assert m["test_loss"] == pytest.approx(m["test_reconstruction"] + m["test_kl"])
    assert m["test_kl"] == pytest.approx(m["kl_dim0"] + m["kl_dim1"], rel=0.05)


@pytest.mark.parametrize("table, run", ROWS, ids=[f"{t.name}/{r.row}" for t, r in ROWS])
def test_artifacts_are_small(table, run):
    data = _result(table.id, run.row)
    for name in data["artifacts"].values():
        size = (RESULTS / table.id / name).stat().st_size
        assert size < 300_000, f"{name}: {size} bytes"


@pytest.mark.parametrize("row", ["mlp", "cnn"])
def test_vae_latent_means_stay_near_the_origin_and_group_by_digit(row):
    """8.3/8.4 节：点云挤在原点周围（KL 项的作用），各数字成片分布（类别解释了大部分方差）。"""
    latent = load_artifact("ch08/vae", row, "latent")
    assert latent is not None
    z = latent["z_mean"].astype(np.float32)
    assert len(z) == 5000
    assert np.mean(np.linalg.norm(z, axis=1) < 4) > 0.99
    assert class_share(latent) > 0.45


def test_vae_manifold_decodes_a_stroke_almost_everywhere():
    """8.3 节：解码网格上几乎每个位置都有笔画（不是空白图）。"""
    images = load_artifact("ch08/vae", "mlp", "manifold")["images"]
    assert images.shape == (30, 30, 28, 28)
    assert np.mean(images.max(axis=(2, 3)) >= 128) > 0.95


def test_cvae_digits_spread_over_the_whole_latent_space():
    """8.5 节：条件 VAE 的各数字不再分区，类别解释的方差比例远小于 VAE 的。"""
    cvae = class_share(load_artifact("ch08/cvae", "cvae", "latent"))
    vae = class_share(load_artifact("ch08/vae", "mlp", "latent"))
    assert cvae < 0.2 < 0.5 < vae


def _nearest_neighbour_labels(images: np.ndarray) -> np.ndarray:
    """用训练集前 20,000 张图作 1-近邻分类（欧氏距离），给出每张生成图像最像哪个数字。"""
    from adlk.datasets import load_mnist

    (x, y), _ = load_mnist(profile="full")
    ref = x[:20_000].reshape(-1, 784).astype(np.float32) / 255
    flat = images.reshape(-1, 784).astype(np.float32) / 255
    d2 = (flat**2).sum(1)[:, None] - 2 * flat @ ref.T + (ref**2).sum(1)[None]
    return y[:20_000][d2.argmin(axis=1)].reshape(images.shape[:-2])


def test_cvae_generates_the_requested_digit_and_degrades_away_from_the_centre():
    """8.5 节：指定标签就生成那个数字；离隐空间中心越远，图像越差。"""
    images = load_artifact("ch08/cvae", "cvae", "digits")["images"]  # (标签, 10, 10, 28, 28)
    correct = _nearest_neighbour_labels(images) == np.arange(10)[:, None, None]
    centre = correct[:, 2:8, 2:8].mean()  # |z| 约在 2.2 以内
    assert centre > 0.8, centre
    assert correct.mean() < centre  # 整个网格（含边缘）的正确率低于中心


def test_mse_and_bce_terms_differ_in_scale_as_the_page_says():
    """8.1 节：同一张图的平方误差之和只有几十，交叉熵之和在一百以上。"""
    m = _metrics("ch08/vae", "mlp")
    assert 10 < m["test_reconstruction"] < 100 < m["test_bce_reconstruction"]


def _shape_measures(img: np.ndarray) -> tuple[float, float]:
    """笔画的倾斜（二阶矩 -mu11/mu02）与宽度（水平方向的标准差，像素）。"""
    img = img.astype(np.float64)
    yy, xx = np.mgrid[: img.shape[0], : img.shape[1]]
    m = img.sum()
    cx, cy = (xx * img).sum() / m, (yy * img).sum() / m
    mu11 = ((xx - cx) * (yy - cy) * img).sum() / m
    mu02 = ((yy - cy) ** 2 * img).sum() / m
    mu20 = ((xx - cx) ** 2 * img).sum() / m
    return -mu11 / mu02, float(np.sqrt(mu20))


def _traversal_ranges(row: str) -> np.ndarray:
    """(维, 量) 的数组：沿每一维走时，倾斜与宽度的变化幅度（对 10 个标签取平均）。"""
    walks = load_artifact("ch08/cvae", row, "traversal")["images"]  # (标签, 维, 步, 28, 28)
    m = np.array([[[_shape_measures(walks[d, j, k]) for k in range(walks.shape[2])] for j in range(2)]
                  for d in range(walks.shape[0])])  # (标签, 维, 步, 量)
    return (m.max(axis=2) - m.min(axis=2)).mean(axis=0)


def test_cvae_z0_mostly_changes_the_slant_and_z1_the_width():
    """8.5 节：本站的 CVAE 沿 z[0] 主要改变倾斜，沿 z[1] 主要改变宽窄。"""
    ranges = _traversal_ranges("cvae")
    assert ranges[0, 0] > 3 * ranges[1, 0]  # 倾斜：z[0] 方向的变化远大于 z[1] 方向
    assert ranges[1, 1] > 2 * ranges[0, 1]  # 宽度：z[1] 方向的变化远大于 z[0] 方向


def _beta_rows() -> list[tuple[float, dict[str, float]]]:
    table = next(t for t in TABLES if t.name == "cvae")
    return sorted((r.params["beta"], _metrics(table.id, r.row)) for r in table.runs)


def test_larger_beta_raises_the_reconstruction_term_and_lowers_the_kl():
    """8.6 节：β 越大，重建项越大、KL 项越小（同样的结构、轮数与种子）。"""
    rows = _beta_rows()
    assert len(rows) >= 3 and rows[0][0] == 1.0
    rec = [m["test_reconstruction"] for _, m in rows]
    kl = [m["test_kl"] for _, m in rows]
    assert rec == sorted(rec) and len(set(rec)) == len(rec), rec
    assert kl == sorted(kl, reverse=True) and len(set(kl)) == len(kl), kl


def test_beta_9_separates_width_and_slant_more_than_the_cvae():
    """8.6 节：β = 9 时 z[0] 几乎只改变宽窄，倾斜交给 z[1]；点云更圆，两维均值的相关更弱。"""
    ranges = _traversal_ranges("beta-9")
    assert ranges[0, 0] < 0.3 * ranges[1, 0]  # z[0] 方向上倾斜几乎不变
    assert ranges[0, 1] > ranges[1, 1]  # 宽度主要随 z[0] 变
    cvae = _traversal_ranges("cvae")
    assert cvae[0, 0] > 3 * ranges[0, 0]  # CVAE 的 z[0] 还牵动倾斜，β = 9 的几乎不牵动

    def corr(row):
        z = load_artifact("ch08/cvae", row, "latent")["z_mean"].astype(np.float64)
        return abs(np.corrcoef(z.T)[0, 1])

    assert corr("beta-9") < corr("cvae")


def test_cnn_vae_matches_the_mlp_vae_with_a_sixth_of_the_parameters():
    """8.4 节：书中的 30 轮之后，CNN VAE 的测试重建项与 MLP VAE 相差不到 0.1 nat，参数约为六分之一；
    按类别解释的方差比例略低于 MLP VAE。"""
    mlp, cnn = _metrics("ch08/vae", "mlp"), _metrics("ch08/vae", "cnn")
    assert abs(cnn["test_reconstruction"] - mlp["test_reconstruction"]) < 0.1
    assert 5.5 < mlp["parameters"] / cnn["parameters"] < 6.5
    share = {row: class_share(load_artifact("ch08/vae", row, "latent")) for row in ("mlp", "cnn")}
    assert share["mlp"] - 0.15 < share["cnn"] < share["mlp"]


def test_beta_10_carries_little_information_and_shrinks_to_one_direction():
    """8.6 节：β = 10 时 KL 不到 1 nat，两维均值几乎完全相关（点云缩成一条线），沿两维走时变化都更小。"""
    m = _metrics("ch08/cvae", "beta-10")
    assert m["test_kl"] < 1
    z = load_artifact("ch08/cvae", "beta-10", "latent")["z_mean"].astype(np.float64)
    assert abs(np.corrcoef(z.T)[0, 1]) > 0.9
    assert _traversal_ranges("beta-10").sum() < _traversal_ranges("cvae").sum()
