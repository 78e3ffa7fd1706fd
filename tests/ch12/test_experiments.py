"""The FCN table: one budget for every row, the book's number only in Run.book, metrics recomputed from the artifact;
the command line for longer runs runs the same task."""

import json

import numpy as np
import pytest

from adlk.ch12 import book_miou, confusion_matrix, mean_iou, per_class_iou, pixel_accuracy
from adlk.ch12.experiments import TABLES, scores_from_artifact


def test_rows_share_one_budget_and_differ_only_in_the_pyramid():
    (table,) = TABLES
    assert [r.row for r in table.runs] == ["fcn", "no-pyramid"]
    budgets = {tuple(sorted((k, v) for k, v in r.params.items() if k != "pyramid")) for r in table.runs}
    assert len(budgets) == 1
    assert [r.params["pyramid"] for r in table.runs] == [True, False]
    assert table.run("fcn").book == {"book_miou": 0.91} and table.run("no-pyramid").book == {}


def test_scores_from_artifact_match_the_metrics(tmp_path):
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 11, size=(5, 16, 16)).astype(np.uint8)
    pred = np.where(rng.random(truth.shape) < 0.7, truth, 0).astype(np.uint8)
    np.savez(tmp_path / "m.npz", truth=truth, pred=pred)
    out = scores_from_artifact(dict(np.load(tmp_path / "m.npz")))
    cm = confusion_matrix(truth, pred, 11)
    assert out["miou"] == pytest.approx(mean_iou(cm))
    assert out["pixel_accuracy"] == pytest.approx(pixel_accuracy(cm))
    assert out["book_miou"] == pytest.approx(book_miou(truth, pred, 11))
    np.testing.assert_allclose([out[f"iou_{k}"] for k in range(11)], per_class_iou(cm))


def test_train_command_runs_the_table_task(tmp_path, monkeypatch):
    from adlk.ch12.train import main

    monkeypatch.setenv("ADLK_PROFILE", "smoke")
    data = main(["--no-pyramid", "--epochs", "1", "--n", "1", "--filters", "8", "--size", "32", "--out",
                 str(tmp_path)])
    assert data["params"]["epochs"] == 1 and data["params"]["pyramid"] is False and data["params"]["size"] == 32
    assert {"miou", "book_miou", "pixel_accuracy"} <= set(data["metrics"])
    saved = json.loads((tmp_path / "no-pyramid.json").read_text(encoding="utf-8"))
    assert saved["metrics"] == pytest.approx(data["metrics"])
    masks = np.load(tmp_path / "no-pyramid-masks.npz")
    assert masks["pred"].shape == masks["truth"].shape == (32, 32, 32)


def test_book_flag_and_bad_values():
    from adlk.ch12.train import BOOK, main

    assert BOOK == {"epochs": 100, "batch_size": 4, "n": 6, "filters": 256}
    with pytest.raises(SystemExit):
        main(["--epochs", "0"])
    with pytest.raises(SystemExit):
        main(["--size", "48"])  # not a multiple of 32 with 3 pyramid layers


def test_summary_states_what_the_record_supports(tmp_path):
    from adlk.ch12.report import fcn_iou, fcn_summary
    from adlk.site.report import ReportContext

    def result(miou, parameters):
        metrics = {"miou": miou, "book_miou": miou + 0.2, "pixel_accuracy": 0.95,
                   **{f"iou_{k}": 0.3 + 0.05 * k for k in range(11)}}
        return {"metrics": metrics, "timing": {"wall_seconds": 600, "train_seconds": 500},
                "counts": {"parameters": parameters, "steps": 4000}, "history": {"learning_rate": [1e-3, 5e-4]}}

    ctx = ReportContext(cpu={"ch12/fcn": {"fcn": result(0.55, 3000), "no-pyramid": result(0.41, 1000)}}, gpu={},
                        docs=tmp_path)
    text = fcn_summary(ctx).text
    assert "0.550（本站给这份 CPU 预算定的目标是最好的一行不低于 0.5，达到了）" in text
    assert "高 0.140（0.550 对 0.410）" in text
    assert "参数是 1,000 个，FCN 是 3,000 个（3.0 倍）" in text and "0.12 秒" in text
    assert "依次是 1e-3、5e-4" in text
    assert "10 个数字里有 0 个的 IoU 带金字塔时更高，背景的 IoU 两行相差 0.000" in text
    assert "IoU 最低的是 0（0.350），最高的是 9（0.800）" in text
    assert "| 背景 | 0.300 | 0.300 |" in fcn_iou(ctx).text
    empty = ReportContext(cpu={}, gpu={}, docs=tmp_path)
    assert "尚无记录" in fcn_summary(empty).text


def test_error_kinds_by_hand():
    from adlk.ch12.report import error_kinds

    truth = np.array([[0, 0, 1, 1, 2, 2]])
    pred = np.array([[0, 3, 0, 1, 1, 2]])
    # 错 3 个像素：背景判成 3（多出）、1 判成背景（漏掉）、2 判成 1（认错）
    e = error_kinds(truth, pred)
    assert e == pytest.approx({"missed": 1 / 3, "extra": 1 / 3, "confused": 1 / 3, "wrong": 0.5})
