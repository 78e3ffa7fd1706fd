"""The numbers written in the prose of the chapter 11 pages, recomputed here: a page that drifts from the code fails."""

import math

import numpy as np

from adlk.ch11 import all_anchors, anchor_boxes, iou, match_layers
from tests.conftest import DOCS

PAGES = DOCS / "ch11"


def _text(page: str) -> str:
    return (PAGES / page).read_text(encoding="utf-8")


def test_focal_loss_percentages():
    text = _text("losses.md")
    assert f"{0.25 * (1 - 0.9) ** 2:.2%}" == "0.25%" and "只剩交叉熵的 0.25%" in text
    assert f"{0.25 * (1 - 0.3) ** 2:.0%}" == "12%" and "还剩 12%" in text


def test_soft_nms_numbers():
    text = _text("evaluation.md")
    decay = math.exp(-(90 / 110) ** 2 / 0.5)
    assert f"{0.8 * decay:.2f}" == "0.21" and r"\approx 0.21" in text
    assert f"{0.4 * math.exp(-2):.3f}" == "0.054" and r"\approx 0.054" in text
    assert f"{0.5 * 1 + 0.5 * 2 / 3:.3f}" == "0.833" and r"\approx 0.833" in text


def test_share_of_positive_anchors():
    from adlk.datasets import make_scenes

    scenes = make_scenes(100, "train", size=64)
    layers = all_anchors([(4, 4), (2, 2), (1, 1)], (64, 64, 3))
    positives = sum(int(np.sum(match_layers(layers, *scenes.objects(k), 11)[0][:, 0] == 0)) for k in range(100))
    share = positives / (100 * 84)
    assert f"约 {share:.0%} 的锚框是正锚框" in _text("matching.md")


def test_iou_examples_in_the_prose():
    text = _text("matching.md")
    assert iou([[0, 0, 4, 4]], [[1, 0, 5, 4]])[0, 0] == 0.6 and "$12/20 = 0.6$" in text
    assert f"{iou([[0, 0, 40, 40]], [[1, 0, 41, 40]])[0, 0]:.2f}" == "0.95" and "IoU 约为 0.95" in text


def test_exercise_hints():
    text = _text("exercises.md")
    assert f"{math.log(2 / 12.8) / 0.2:.1f}" == "-9.3" and r"\approx -9.3" in text
    anchor = anchor_boxes((4, 4), (64, 64), index=0, n_layers=3)[1, 1, 2]  # ratio 0.5, centred at (24, 24)
    thin = np.array([[23, 14, 25, 34]])  # 2 × 20 pixels around the same centre
    assert 0.15 < iou(thin, anchor[None])[0, 0] < 0.25 and "IoU 也只有两成左右" in text
