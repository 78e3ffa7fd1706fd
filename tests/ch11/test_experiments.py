"""The variants table: its rows are the book's five variants, and every metric is recomputed from the artifact."""

import numpy as np
import pytest

from adlk.ch11 import VARIANTS, average_precision, book_scores
from adlk.ch11.experiments import SCORE_THRESHOLD, TABLES, _flatten, scores_from_artifact


def test_rows_are_the_books_five_variants_with_one_budget():
    (table,) = TABLES
    assert {r.row for r in table.runs} == set(VARIANTS)
    budgets = {tuple(sorted((k, v) for k, v in r.params.items() if k != "variant")) for r in table.runs}
    assert len(budgets) == 1  # the same budget on every row
    assert all(set(r.book) == {"miou", "precision", "recall"} for r in table.runs)


def test_artifact_round_trip_gives_the_same_metrics(tmp_path):
    truths = [(np.array([[0, 0, 10, 10]]), np.array([1])),
              (np.array([[0, 0, 10, 10], [20, 20, 30, 30]]), np.array([1, 2]))]
    detections = [(np.array([[0, 0, 10, 10], [1, 0, 11, 10]]), np.array([1, 1]), np.array([0.9, 0.3])),
                  (np.array([[0, 0, 10, 10]]), np.array([1]), np.array([0.7]))]
    arrays = {"n_images": np.array(2), **{f"pred_{k}": v for k, v in _flatten(detections).items()},
              **{f"truth_{k}": v for k, v in _flatten(truths).items()}}
    np.savez(tmp_path / "p.npz", **arrays)
    loaded = dict(np.load(tmp_path / "p.npz"))
    out = scores_from_artifact(loaded)
    assert out["map50"] == pytest.approx(average_precision(truths, detections)["map"])
    confident = [(b[s >= SCORE_THRESHOLD], c[s >= SCORE_THRESHOLD], s[s >= SCORE_THRESHOLD]) for b, c, s in detections]
    expected = book_scores(truths, confident)
    assert {k: out[k] for k in expected} == pytest.approx(expected)
    # the 0.3 duplicate is below the book's class threshold: the book's measure does not see it, AP does
    assert out["precision"] == 1.0 and out["map50"] < 1.0


def test_an_image_without_detections_survives_the_round_trip():
    truths = [(np.array([[0, 0, 5, 5]]), np.array([3]))]
    detections = [(np.zeros((0, 4)), np.zeros(0, dtype=int), np.zeros(0))]
    arrays = {"n_images": np.array(1), **{f"pred_{k}": v for k, v in _flatten(detections).items()},
              **{f"truth_{k}": v for k, v in _flatten(truths).items()}}
    assert scores_from_artifact(arrays) == {"map50": 0.0, "miou": 0.0, "precision": 0.0, "recall": 0.0,
                                            "recall_repo": 0.0}


def test_found_by_size_and_per_class_ap_by_hand():
    from adlk.ch11.report import found_by_size, per_class_ap

    # image 0: a small "0" (height 10) found; a tall "1" (height 30) missed (the detection has the wrong class)
    # image 1: a middle "0" (height 24) found only by a detection below the class threshold: not found
    truths = [(np.array([[0, 0, 8, 10], [20, 0, 30, 30]]), np.array([1, 2])),
              (np.array([[0, 0, 10, 24]]), np.array([1]))]
    detections = [(np.array([[0, 0, 8, 10], [20, 0, 30, 30]]), np.array([1, 3]), np.array([0.9, 0.8])),
                  (np.array([[0, 0, 10, 24]]), np.array([1]), np.array([0.4]))]
    arrays = {"n_images": np.array(2), **{f"pred_{k}": v for k, v in _flatten(detections).items()},
              **{f"truth_{k}": v for k, v in _flatten(truths).items()}}
    assert found_by_size(arrays, (0, 20, 28, 100)) == [(1, 1), (0, 1), (0, 1)]
    # digit 0: detections 0.9 (TP) then 0.4 (TP): precision 1 at recall 1 -> AP 1; digit 1: never found -> AP 0
    assert per_class_ap(arrays) == {0: 1.0, 1: 0.0}
