"""第 3 章页面上的说法，用提交的结果文件（docs/results/cpu/ch03）核对；数都从文件里读，不在这里手写。"""

import json

import numpy as np
import pytest

from adlk.runs.registry import table
from adlk.runs.results import read_result, result_path
from tests.conftest import DOCS

ROOT = DOCS / "results" / "cpu"


def _result(table_id: str, row: str) -> dict:
    t = table(table_id)
    path = result_path(ROOT, t, t.run(row))
    if not path.is_file():
        pytest.fail(f"{path.relative_to(DOCS)} is not recorded; run python -m adlk reproduce {table_id} --only {row}")
    return read_result(path)


def _artifact(table_id: str, row: str, name: str) -> dict:
    t = table(table_id)
    path = result_path(ROOT, t, t.run(row))
    data = _result(table_id, row)
    with np.load(path.parent / data["artifacts"][name]) as f:
        return {k: f[k] for k in f.files}


def m(table_id: str, row: str, key: str) -> float:
    return float(_result(table_id, row)["metrics"][key])


def test_recorded_runs_are_full_size_and_at_the_book_settings():
    for table_id, row in [("ch03/ae", "16"), ("ch03/ae", "2"), ("ch03/denoise", "dae"),
                          ("ch03/classifier", "joint"), ("ch03/classifier", "probe"), ("ch03/colorize", "mse"), ("ch03/colorize", "bce")]:
        data = _result(table_id, row)
        assert data["provenance"]["profile"] == "full", (table_id, row)
        assert data["counts"]["epochs"] == table(table_id).run(row).params["epochs"], (table_id, row)
        assert data["counts"]["test_samples"] == 10_000, (table_id, row)
    assert _result("ch03/ae", "16")["counts"]["train_samples"] == 60_000
    assert _result("ch03/ae", "16")["counts"]["parameters"] == 178_001  # 书中：178 k


def test_one_epoch_reaches_the_books_order_of_magnitude():
    """3.2 节：书中说 1 轮之后验证损失约 0.01；本站的记录与它同一量级。"""
    assert 0.005 < m("ch03/ae", "16", "test_mse") < 0.02


def test_two_dimensional_bottleneck_reconstructs_worse():
    """3.3 节：2 维的重建误差明显大于 16 维（尽管训练了 20 轮）。"""
    assert m("ch03/ae", "2", "test_mse") > 1.5 * m("ch03/ae", "16", "test_mse")
    assert m("ch03/ae", "2", "test_psnr") < m("ch03/ae", "16", "test_psnr")


def test_codes_of_one_digit_cluster_together():
    """3.3 节：同一个数字的 2 维编码聚在一起。最近邻（留一）在 2 维编码上的准确率远高于随机猜测的 10%。"""
    data = _artifact("ch03/ae", "2", "latent")
    z, labels = data["z"].astype("float64"), data["labels"].astype(int)
    d = ((z[:, None, :] - z[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(d, np.inf)
    accuracy = np.mean(labels[d.argmin(axis=1)] == labels)
    assert accuracy > 0.5, accuracy


def test_book_box_leaves_some_codes_outside():
    """3.3 节：本站编码大部分落在书中固定的 [-4, 4] 方框里，但也有不少在外面，所以网格按分位数取。"""
    extra = _result("ch03/ae", "2")["extra"]
    assert 0.5 < extra["fraction_inside_book_box"] < 0.95
    assert max(abs(v) for v in extra["latent_range"]["min"] + extra["latent_range"]["max"]) > 4
    grid = _artifact("ch03/ae", "2", "manifold")
    assert grid["digits"].shape == (30, 30, 28, 28) and grid["digits"].dtype == np.uint8


def test_denoising_lowers_the_error_on_noisy_inputs():
    """3.4 节：同一批加噪测试图上，去噪自编码器的误差远小于 3.2 节的普通自编码器，也远小于什么都不做。"""
    dae, ae = m("ch03/denoise", "dae", "noisy_mse"), m("ch03/ae", "16", "noisy_mse")
    nothing = m("ch03/denoise", "dae", "input_noise_mse")
    assert m("ch03/ae", "16", "input_noise_mse") == nothing  # 两行用的是同一批加噪输入
    assert _result("ch03/ae", "16")["extra"]["test_noise_seed"] == _result("ch03/denoise", "dae")["extra"]["test_noise_seed"]
    assert dae < ae / 3 and dae < nothing / 3, (dae, ae, nothing)
    assert m("ch03/denoise", "dae", "noisy_psnr") > m("ch03/ae", "16", "noisy_psnr") + 5
    # 在干净图像上训练 20 轮的 2 维自编码器同样远不如去噪自编码器：差别不是训练轮数造成的
    assert dae < m("ch03/ae", "2", "noisy_mse") / 3


def test_stronger_noise_is_harder():
    """3.4 节：噪声更强时去噪效果逐渐变差（对应书中图 3.3.3）。"""
    errors = [m("ch03/denoise", "dae", k) for k in ("noisy_mse", "noisy_mse_075", "noisy_mse_100")]
    assert errors == sorted(errors) and errors[0] < errors[-1]


def test_denoiser_finds_clean_inputs_unfamiliar():
    """3.4 节：去噪自编码器在干净输入上的误差比它在加噪输入上的误差大。"""
    assert m("ch03/denoise", "dae", "test_mse") > m("ch03/denoise", "dae", "noisy_mse")


def test_latent_codes_carry_class_information():
    """3.5 节：冻结的无监督编码上训练的分类器也远高于随机猜测（10%）。"""
    assert m("ch03/classifier", "probe", "test_accuracy") > 0.5
    assert m("ch03/classifier", "joint", "test_accuracy") > 0.9
    # 页面：两行的准确率相差不到一个百分点
    assert abs(m("ch03/classifier", "joint", "test_accuracy") - m("ch03/classifier", "probe", "test_accuracy")) < 0.01


def test_mse_colorization_collapses_to_black_as_the_page_describes():
    """3.6 节：书中的 MSE 损失下网络落入全黑输出：误差与全黑几乎一样、高于原样输出灰度，颜色选对接近随机猜测，
    训练损失从第 2 轮起不再下降。"""
    from adlk.ch03.report import black_baseline_mse

    mse = m("ch03/colorize", "mse", "test_mse")
    assert mse > m("ch03/colorize", "mse", "gray_mse")
    assert abs(mse - black_baseline_mse()) < 0.1 * black_baseline_mse()
    assert m("ch03/colorize", "mse", "color_accuracy") < 0.3
    loss = _result("ch03/colorize", "mse")["history"]["loss"]
    assert max(loss[1:]) - min(loss[1:]) < 0.01 * loss[-1]
    # 页面：网络的输出几乎处处是 0（图中第二行）
    predicted = np.load(ROOT / "ch03" / "colorize" / "mse-colorized.npz")["predicted"]
    assert np.mean(predicted <= 2) > 0.99


def test_bce_colorization_learns_the_colours():
    """3.6 节：只把损失换成二元交叉熵，同样的结构、数据和轮数就学会了上色：误差低于原样输出灰度，
    多数数字涂对了颜色。"""
    assert m("ch03/colorize", "bce", "test_mse") < m("ch03/colorize", "bce", "gray_mse")
    assert m("ch03/colorize", "bce", "test_mse") < 0.5 * m("ch03/colorize", "mse", "test_mse")
    assert m("ch03/colorize", "bce", "color_accuracy") > 0.5
    for key in ("epochs", "train_samples", "test_samples"):
        assert _result("ch03/colorize", "bce")["counts"][key] == _result("ch03/colorize", "mse")["counts"][key]


def test_artifacts_are_small():
    for path in sorted((ROOT / "ch03").rglob("*.npz")):
        assert path.stat().st_size < 400_000, f"{path.name}: {path.stat().st_size:,} bytes"
    for path in sorted((ROOT / "ch03").rglob("*.json")):
        json.loads(path.read_text(encoding="utf-8"))


def test_latent_figure_description_matches_the_record():
    """3.3 节对散点图和解码网格的描述（按这次记录）：3、5、8 在中央，4、7、9 在它们上方，1 散得最开；
    在书中的 [-4, 4] 方框里，离 1、2、0、6 的编码最近的面积最大（均匀取点多半落在这几团附近）；
    解码网格的左下角离 2 的编码最近。描述是从记录读出来的，重新记录后要重新核对页面上的这几句话。"""
    data = _artifact("ch03/ae", "2", "latent")
    z, labels = data["z"].astype("float64"), data["labels"].astype(int)
    centre = np.median(z, axis=0)
    medians = np.array([np.median(z[labels == d], axis=0) for d in range(10)])
    spread = np.array([np.median(np.linalg.norm(z[labels == d] - medians[d], axis=1)) for d in range(10)])
    assert set(np.argsort(np.linalg.norm(medians - centre, axis=1))[:3]) == {3, 5, 8}
    assert min(medians[[4, 7, 9], 1]) > max(medians[[3, 5, 8], 1])
    assert spread.argmax() == 1, spread

    def nearest_digit(points):
        return labels[((points[:, None, :] - z[None]) ** 2).sum(axis=2).argmin(axis=1)]

    axis = np.linspace(-4, 4, 81)
    box = np.array([(a, b) for a in axis for b in axis])
    area = np.bincount(nearest_digit(box), minlength=10)
    assert set(np.argsort(-area)[:4]) == {1, 2, 0, 6}, area
    grid = _artifact("ch03/ae", "2", "manifold")
    lower_left = np.array([[grid["grid_x"][0], grid["grid_y"][-1]]], dtype="float64")
    assert grid["grid_y"][0] > grid["grid_y"][-1]  # 网格的行从上（z[1] 大）到下
    assert nearest_digit(lower_left)[0] == 2


def test_eighth_test_digit_is_among_the_hardest_to_denoise():
    """3.4 节：测试集第 8 张（一个 9）在 σ = 0.5 时的去噪误差是图中这一组里最大的几个之一。"""
    data = _artifact("ch03/denoise", "dae", "denoise")
    original = data["original"].astype("float64") / 255
    error = ((data["denoised"].astype("float64") / 255 - original) ** 2).mean(axis=(1, 2))
    assert 7 in np.argsort(-error)[:3], np.argsort(-error)[:5]
