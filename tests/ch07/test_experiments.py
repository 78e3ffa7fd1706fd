"""第 7 章的打分：手工构造的翻译结果与“分类器”，核对保住数字、涂对颜色与循环误差的算法；结论句随记录变化。"""

from __future__ import annotations

import numpy as np
import pytest

from adlk.ch03 import PALETTE
from adlk.ch07.data import Domains
from adlk.ch07.experiments import crop28, grey3, score_snapshot, snapshot_steps
from adlk.ch07.report import colour_verdict, digits_verdict, swaps


class FixedJudge:
    """按给定的答案“预测”的分类器：输出独热的概率。"""

    def __init__(self, answers):
        self.answers = np.asarray(answers)
        self.shapes = []

    def predict(self, x, batch_size=None, verbose=0):
        self.shapes.append(np.asarray(x).shape)
        return np.eye(10)[self.answers[: len(x)]]


def domains(n=4, pair=None, digits=None):
    labels = np.arange(n) % 10
    return Domains(source=None, target=None, test_source=None, test_target=np.zeros((n, 32, 32, 3), np.uint8),
                   test_source_labels=labels, test_target_labels=labels[::-1].copy(), test_target_pair=pair,
                   test_source_digits=digits if digits is not None else np.zeros((n, 32, 32), "float32"),
                   names=("a", "b"))


def test_snapshot_steps():
    assert snapshot_steps(1000) == [0, 250, 500, 1000]
    assert snapshot_steps(2) == [0, 1, 2]


def test_crop_and_grey3():
    x = np.arange(2 * 32 * 32).reshape(2, 32, 32, 1)
    assert crop28(x).shape == (2, 28, 28, 1) and crop28(x)[0, 0, 0, 0] == x[0, 2, 2, 0]
    assert grey3(x).shape == (2, 32, 32, 3) and np.array_equal(grey3(x)[..., 2], x[..., 0])


def test_digit_scores_by_hand():
    d = domains()
    source, target = np.zeros((4, 32, 32, 1), "float32"), np.ones((4, 32, 32, 3), "float32")
    out = {"fake_target": np.zeros((4, 32, 32, 3)), "fake_source": np.zeros((4, 32, 32, 1)),
           "cycled_source": np.full((4, 32, 32, 1), 0.25), "cycled_target": np.full((4, 32, 32, 3), 0.5)}
    # 源域标签 0 1 2 3：目标域分类器答 0 1 9 3（3 张对）；目标域标签 3 2 1 0：源域分类器答 3 2 1 1（3 张对）
    judges = {"target": FixedJudge([0, 1, 9, 3]), "source": FixedJudge([3, 2, 1, 1])}
    s = score_snapshot(out, source, target, d, judges)
    assert s["label_kept_target"] == pytest.approx(0.75) and s["label_kept_source"] == pytest.approx(0.75)
    assert s["cycle_mae_source"] == pytest.approx(0.25) and s["cycle_mae_target"] == pytest.approx(0.5)
    assert judges["source"].shapes == [(4, 28, 28, 1)], "the chapter 4 judge must get the central 28x28"


def test_colour_scores_by_hand():
    n = 2
    digits = np.zeros((n, 32, 32), "float32")
    digits[:, 10:20, 14:18] = 1.0
    pair = (digits[..., None] * PALETTE[[0, 1]][:, None, None, :]).astype(np.uint8)
    d = domains(n, pair=pair, digits=digits)
    d.test_target = pair.copy()
    source = np.zeros((n, 32, 32, 1), "float32")
    target = pair.astype("float32") / 255
    painted = digits[..., None] * (PALETTE[[0, 5]] / 255)[:, None, None, :]  # 第一张涂对，第二张涂成 5 的颜色
    out = {"fake_target": painted, "fake_source": np.zeros((n, 32, 32, 1)), "cycled_source": source,
           "cycled_target": target}
    s = score_snapshot(out, source, target, d, {})
    assert s["colour_accuracy"] == pytest.approx(0.5)
    assert s["cycle_mae_source"] == 0 and s["cycle_mae_target"] == 0
    assert s["colour_mae"] == pytest.approx(np.mean(np.abs(painted - target)), rel=1e-6)
    grey = np.round(pair.astype("float64") @ [0.299, 0.587, 0.114]) / 255
    assert s["grey_mae"] == pytest.approx(np.mean(grey), rel=1e-6)


class Ctx:
    def __init__(self, results):
        self.results = results

    def result(self, table_id, row, device="cpu"):
        return self.results.get((table_id, row))


def record(kept, start, back=0.5, steps=1000):
    return {"metrics": {"label_kept_target": kept, "label_kept_source": back},
            "history": {"snapshot_label_kept_target": [start, kept], "snapshot_label_kept_source": [0.1, back]},
            "counts": {"steps": steps, "eval_samples": 500}}


def test_digits_verdict_follows_the_record():
    judge = {"metrics": {"test_accuracy": 0.97, "on_mnist_accuracy": 0.6, "ch04_judge_on_grey_accuracy": 0.5}}
    good = digits_verdict(Ctx({("ch07/digits", "cyclegan"): record(0.8, 0.3), ("ch07/judge", "mnistm"): judge})).text
    assert "在大多数样本上保住了数字" in good and "多被认对 20.0 个百分点" in good and "80.0%" in good
    assert "比直接判灰度版多认对 0.0" not in good and "并不比直接判灰度版认得更好" in good
    bad = digits_verdict(Ctx({("ch07/digits", "cyclegan"): record(0.4, 0.3), ("ch07/judge", "mnistm"): judge})).text
    assert "还没有在大多数样本上保住数字" in bad and "比不翻译的 MNIST 低 20.0 个百分点" in bad
    assert "也比真正的 MNIST-M 风格测试图低 57.0 个百分点" in bad and "不再被认成原来的数字" in bad
    weak_judge = dict(judge, metrics=dict(judge["metrics"], test_accuracy=0.35))
    low = digits_verdict(Ctx({("ch07/digits", "cyclegan"): record(0.4, 0.3), ("ch07/judge", "mnistm"): weak_judge})).text
    assert "不低于真正的 MNIST-M 风格测试图" in low and "不再被认成原来的数字" not in low
    better = digits_verdict(Ctx({("ch07/digits", "cyclegan"): record(0.8, 0.3, back=0.75),
                                 ("ch07/judge", "mnistm"): judge})).text
    assert "比直接判灰度版多认对 25.0 个百分点" in better
    assert "尚无本站的运行记录" in digits_verdict(Ctx({})).text


def test_swaps_lists_changed_and_restored_digits(monkeypatch):
    """7.1 节的例子：上色后读成别的数字的样本，以及其中翻译回灰度又读回原数字的。"""
    import adlk.ch07.readings
    import adlk.site.figures

    labels = np.array([0, 4, 6, 0])
    samples = {"source_labels": labels, "steps": np.array([0, 2000])}
    reads = {"fake_target": np.array([labels, [6, 4, 0, 0]]), "cycled_source": np.array([labels, [0, 4, 1, 0]])}
    monkeypatch.setattr(adlk.site.figures, "load_artifact", lambda table_id, row, name: samples)
    monkeypatch.setattr(adlk.ch07.readings, "readings", lambda table_id, data: reads)
    ctx = Ctx({("ch07/colour", "cyclegan"): {}})
    text = swaps(ctx).text
    assert "有 2 张读成了别的数字（0 → 6、6 → 0）" in text and "有 1 张又读回原来的数字" in text
    assert "第 2,000 步" in text and "4 张固定灰度图" in text
    reads["fake_target"] = np.array([labels, labels])
    assert "都读成原来的数字" in swaps(ctx).text
    assert "尚无本站的运行记录" in swaps(Ctx({})).text


def test_colour_verdict_follows_the_record():
    def rec(acc):
        return {"metrics": {"colour_accuracy": acc, "colour_mae": 0.1, "grey_mae": 0.05},
                "history": {"snapshot_colour_accuracy": [0.1, acc]}, "counts": {"steps": 2000, "eval_samples": 500}}

    assert "大多数样本上" in colour_verdict(Ctx({("ch07/colour", "cyclegan"): rec(0.9)})).text
    assert "高于随机猜" in colour_verdict(Ctx({("ch07/colour", "cyclegan"): rec(0.3)})).text
    # 500 张时随机猜的标准差约 1.3 个百分点：12% 分不开，15% 分得开
    assert "分不开" in colour_verdict(Ctx({("ch07/colour", "cyclegan"): rec(0.12)})).text
    assert "高于随机猜" in colour_verdict(Ctx({("ch07/colour", "cyclegan"): rec(0.15)})).text
