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
    assert scores_from_artifact(arrays) == {"map50": 0.0, "miou": 0.0, "precision": 0.0, "recall": 0.0}
