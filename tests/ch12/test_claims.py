"""The numbers written in the prose of the chapter 12 pages, recomputed here: a page that drifts from the code fails."""

import numpy as np
import pytest

from adlk.ch12 import book_miou, scores
from tests.conftest import DOCS

PAGES = DOCS / "ch12"


def _text(page: str) -> str:
    return (PAGES / page).read_text(encoding="utf-8")


def test_two_miou_definitions_worked_example():
    text = _text("metrics.md")
    truth = np.array([[[0, 0, 1, 1], [0, 2, 2, 2]], [[0, 0, 0, 0], [0, 0, 0, 0]]])
    pred = np.array([[[0, 1, 1, 1], [2, 2, 2, 0]], [[3, 0, 0, 0], [0, 0, 0, 0]]])
    first = (1 / 4 + 2 / 3 + 1 / 2) / 3
    assert f"{first:.3f}" == "0.472" and "（平均 0.472）" in text
    assert f"{book_miou(truth, pred, 4):.3f}" == "0.674" and "逐图平均得 0.674" in text
    assert f"{scores(truth, pred, 4)['miou']:.3f}" == "0.458" and "mIoU 是 0.458" in text


def test_parameter_counts_in_the_prose():
    assert f"{3 * 3 * 256 * 256 + 256:,}" == "590,080" and "590{,}080" in _text("upsampling.md")
    assert 256 + 3 * 64 == 448 and "$256 + 3 \\times 64 = 448$" in _text("fcn.md")


def test_digit_heights_in_exercise_1():
    from adlk.datasets import make_scenes

    scenes = make_scenes(300, "train", size=64)
    boxes = scenes.boxes[scenes.classes >= 0]
    heights = boxes[:, 3] - boxes[:, 1]
    assert 12 <= heights.min() and heights.max() <= 39
    assert "13～38 像素左右" in _text("exercises.md")


def test_receptive_field_sentence_matches_the_block_output():
    text = _text("exercises.md")
    for stride, size in ((4, 31), (16, 51), (32, 79)):
        assert f"步长 {stride}：中心位置看到输入的 {size}×{size} 个像素" in text
    assert "步长 4 的位置看到 31 像素见方" in text and "（51、79 像素）" in text


def test_dice_and_iou_relation():
    for iou in (0.2, 0.5, 0.9):
        a = np.zeros(100, bool)
        b = np.zeros(100, bool)
        # 交 k、并 n：IoU = k / n，Dice = 2k / (|A| + |B|) = 2k / (n + k)
        k, n = int(iou * 50), 50
        a[:k + (n - k) // 2] = True
        b[:k] = True
        b[k + (n - k) // 2:n] = True
        inter, union = (a & b).sum(), (a | b).sum()
        dice = 2 * inter / (a.sum() + b.sum())
        assert dice == pytest.approx(2 * (inter / union) / (1 + inter / union))
    assert r"$D = 2\,\mathrm{IoU} / (1 + \mathrm{IoU})$" in _text("exercises.md")


def test_the_books_number_in_the_prose_is_the_declared_one():
    from adlk.ch12.experiments import table

    book = f"{table('fcn').run('fcn').book['book_miou']:.2f}"
    assert f"测试集上的最大值 {book}（" in _text("results.md")
    assert f"书中的 {book} 是 4 个类别" in _text("results.md")
    assert f"书中报告的 {book} 是 drinks 测试集上" in _text("metrics.md")
    assert f"书中的 {book} 为什么" in _text("exercises.md")
