"""提交的第 2 章运行结果：齐全、是完整档位、仍然有效，并且支持页面上的说法。

2.1、2.2、2.7 节的几句定性结论是根据这些结果写的；结果文件一旦重跑，这里检查那些说法是否仍然成立。
生成的片段（``adlk.ch02.report``）里的比较由结果算出，这里再核对几条页面正文直接写出的话。
"""

from __future__ import annotations

import pytest

from adlk.ch02 import report
from adlk.ch02.experiments import DEEP_BUDGET, TABLES, table
from adlk.profiles import get_profile
from adlk.runs.results import read_result, result_path
from adlk.runs.runner import status
from tests.conftest import DOCS

CPU = DOCS / "results" / "cpu"


def rows(name: str) -> dict[str, dict]:
    t = table(name)
    found = {}
    for run in t.runs:
        path = result_path(CPU, t, run)
        if path.is_file():
            found[run.row] = read_result(path)
    return found


def test_recorded_rows_are_full_profile_and_current():
    full = get_profile("full")
    recorded = 0
    for t in TABLES:
        for run in t.runs:
            path = result_path(CPU, t, run)
            if not path.is_file():
                continue
            recorded += 1
            data = read_result(path)
            p = data["provenance"]
            assert p["profile"] == "full", (t.id, run.row)
            for key in ("cpu", "python", "tensorflow", "keras", "date", "seed"):
                assert p.get(key) not in (None, ""), (t.id, run.row, key)
            assert status(t, run, CPU, full) == "current", f"{t.id}/{run.row}: run `python -m adlk reproduce {t.id}`"
    # 两个 MNIST 模型与深度网络表的前四行是页面的依据，必须有记录
    assert {"cnn", "y-network"} <= rows("mnist").keys()
    assert {"resnet20v1", "resnet56v1", "resnet20v2", "densenet-bc-40"} <= rows("deep").keys()
    assert recorded >= 6


def test_mnist_rows_use_the_book_batch_sizes_and_all_of_mnist():
    for row, batch in (("cnn", 128), ("y-network", 32)):
        r = rows("mnist")[row]
        assert r["counts"]["batch_size"] == batch and r["counts"]["train_samples"] == 60000
        assert r["counts"]["test_samples"] == 10000


def test_mnist_rows_train_the_book_epochs():
    """2.1、2.2 节：两行都按书中的设置训练 20 轮。"""
    for row, r in rows("mnist").items():
        assert r["counts"]["epochs"] == 20, row


def test_functional_cnn_within_a_fifth_of_a_point_of_the_book():
    """2.1 节：20 轮之后，函数式 CNN 与书中的约 99.3% 相差不到 0.2 个百分点。

    书中的数值读自表的声明（``Run.book``），页面写的书中数值与界限读自页面：改了其中任何一处，这里都会核对。
    """
    import re

    page = (DOCS / "ch02" / "functional-api.md").read_text(encoding="utf-8")
    m = re.search(r"本站记录的测试准确率与书中的约 ([\d.]+)% 相差不到 ([\d.]+) 个百分点", page)
    assert m, "the sentence comparing the record with the book is gone from functional-api.md"
    book = table("mnist").run("cnn").book["test_accuracy"]
    assert float(m.group(1)) == book, f"the page says the book gives {m.group(1)}%, the table declares {book}%"
    r = rows("mnist")["cnn"]
    assert abs(100 * r["metrics"]["test_accuracy"] - book) < float(m.group(2))


def test_cnn_and_y_network_within_a_point():
    """2.2 节：两个模型之间的差别只有零点几个百分点（不到 1 个百分点）。"""
    r = rows("mnist")
    assert abs(r["cnn"]["metrics"]["test_accuracy"] - r["y-network"]["metrics"]["test_accuracy"]) < 0.01


def test_deep_rows_share_one_budget():
    for row, r in rows("deep").items():
        c = r["counts"]
        assert (c["train_samples"], c["test_samples"], c["epochs"], c["batch_size"]) == (
            DEEP_BUDGET["train_samples"], DEEP_BUDGET["test_samples"], DEEP_BUDGET["epochs"],
            DEEP_BUDGET["batch_size"]), row


def test_deepest_resnet_trains():
    """2.7 节：56 层的 ResNet 在这份预算下也训练得起来（远高于 10% 的随机水平）。"""
    r = rows("deep")["resnet56v1"]["metrics"]
    assert r["test_accuracy"] > 0.3 and r["train_accuracy"] > 0.3


def test_densenet_has_fewest_parameters():
    """2.7 节：DenseNet-BC-40 的参数最少（它的速度见同一次测量的速度表，tests/ch02/test_speed.py）。"""
    deep = rows("deep")
    params = {row: r["counts"]["parameters"] for row, r in deep.items()}
    assert min(params, key=params.get) == "densenet-bc-40"


def test_summary_snippets_follow_the_results():
    """生成的要点里的比较词与结果一致（例如“低于”只在确实更低时出现）。"""
    deep = rows("deep")
    text = report.snippets({"ch02/deep": deep, "ch02/mnist": rows("mnist")})["ch02/summary-deep.md"]
    f = report.deep_findings(deep)
    if f["depth_monotonic"] is not None:
        assert ("单调上升" in text) and (("不能说随深度单调上升" in text) != f["depth_monotonic"])
        for a, b, word in f["depth_steps"]:
            # 相差在 NOISE 之内的相邻两行只说“相当”
            assert (word == "相当") == (abs(f["acc"][b] - f["acc"][a]) <= report.NOISE)
    acc = f["acc"]
    if f["v2_vs_v1"] == "高":
        assert acc["resnet20v2"] > acc["resnet20v1"] + report.NOISE and "高于 v1" in text
    elif f["v2_vs_v1"] == "低":
        assert acc["resnet20v2"] < acc["resnet20v1"] - report.NOISE and "低于 v1" in text
    for row in acc:
        assert f"{acc[row]:.2f}%" in text


@pytest.mark.parametrize("word, a, b, expected", [("higher", 80.0, 79.0, "高"), ("lower", 70.0, 79.0, "低"),
                                                  ("close", 79.2, 79.0, "相当")])
def test_compare_words(word, a, b, expected):
    assert report.compare(a, b, report.NOISE) == expected
