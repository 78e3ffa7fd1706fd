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
    assert class_share(latent) > 0.5


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


def _templates() -> np.ndarray:
    from adlk.datasets import load_mnist

    (x, y), _ = load_mnist(profile="full")
    return np.stack([x[y == d].astype(np.float32).mean(axis=0) for d in range(10)])


def test_cvae_generates_the_requested_digit_near_the_centre():
    """8.5 节：指定标签就生成那个数字。用各类平均图像作最近邻模板，隐空间中心区域的生成结果几乎都归到指定的类。"""
    images = load_artifact("ch08/cvae", "cvae", "digits")["images"].astype(np.float32)  # (标签, 10, 10, 28, 28)
    centre = images[:, 2:8, 2:8]  # |z| 约在 2.2 以内
    templates = _templates()
    d2 = ((centre[..., None, :, :] - templates[None, None, None]) ** 2).sum(axis=(-1, -2))
    predicted = d2.argmin(axis=-1)
    accuracy = np.mean(predicted == np.arange(10)[:, None, None])
    assert accuracy > 0.8, accuracy


def test_mse_and_bce_terms_differ_in_scale_as_the_page_says():
    """8.1 节：同一张图的平方误差之和只有几十，交叉熵之和在一百以上。"""
    m = _metrics("ch08/vae", "mlp")
    assert 10 < m["test_reconstruction"] < 100 < m["test_bce_reconstruction"]
