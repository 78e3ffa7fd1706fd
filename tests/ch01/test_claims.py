"""第 1 章正文中几句依据结果文件的定性说法：结果文件重跑之后，这里检查它们是否仍然成立。"""

from __future__ import annotations

import pytest

from tests.conftest import DOCS

CPU = DOCS / "results" / "cpu"


def result(table: str, row: int) -> dict:
    """一行的记录（两种结果格式都读成同一形状），书中数值取自表的声明：``{"metrics", "book": {"test", "train"}}``。"""
    from adlk.ch01.experiments import table as declared
    from adlk.runs.results import read_result, result_path

    t = declared(table)
    data = read_result(result_path(CPU, t, t.run(str(row))))
    book = t.run(str(row)).book
    p = t.run(str(row)).params
    return {"metrics": {**data["metrics"], **data["counts"], **data["timing"]},
            "book": {"test": book.get("test_accuracy"), "train": book.get("train_accuracy")},
            "config": {"optimizer": p["optimizer"], "epochs": p["epochs"], "params": p["build"]},
            "key": data["key"]}


def accuracy(table: str, row: int) -> float:
    """本站这一行的测试准确率（百分数）。"""
    return 100 * result(table, row)["metrics"]["test_accuracy"]


def test_256_units_beat_128_and_wider_layers_do_not_beat_256():
    """1.4 节“单元数与模型容量”：第 18 行（128 单元）低于第 16 行；第 9～13 行（更宽）都没有超过第 16 行。书中和本站都是如此。"""
    for value in (lambda r: result("mlp", r)["book"]["test"], lambda r: accuracy("mlp", r)):
        assert value(18) < value(16)
        assert max(value(r) for r in range(9, 14)) < value(16)
    for row in range(9, 14):
        assert result("mlp", row)["config"]["params"]["hidden_units"] != [256, 256], row
    assert result("mlp", 18)["config"]["params"]["hidden_units"] == [128, 128]


def test_author_script_matches_our_row_4():
    """1.7 节：作者脚本 mlp-mnist-noreg.py 记下的 95.2% 与本站第 4 行（无正则化、SGD、20 轮）相符。"""
    config = result("mlp", 4)["config"]
    assert config["optimizer"] == "sgd" and config["epochs"] == 20 and config["params"]["l2"] is None
    assert not config["params"]["dropout"] and config["params"]["activation"] == "relu"
    assert abs(accuracy("mlp", 4) - 95.2) < 0.5
    assert abs(result("mlp", 4)["book"]["test"] - 95.2) > 2


def test_cnn_is_the_most_accurate_reference_model():
    """1.8 节：CNN 的参数只比 SimpleRNN 略多，准确率在三者中最高（书中和本站都是如此）。"""
    cnn, mlp, rnn = result("cnn", 3), result("mlp", 16), result("rnn", 1)
    assert cnn["metrics"]["test_accuracy"] > max(mlp["metrics"]["test_accuracy"], rnn["metrics"]["test_accuracy"])
    assert cnn["book"]["test"] > max(mlp["book"]["test"], rnn["book"]["test"])
    assert rnn["metrics"]["parameters"] < cnn["metrics"]["parameters"] < 1.1 * rnn["metrics"]["parameters"]


def test_wider_simple_rnn_in_the_book():
    """1.6 节“什么时候加大容量”：书中 512 单元比 256 单元只高 0.3 个百分点，参数约为 3.7 倍。"""
    from adlk.ch01 import build_rnn

    assert result("rnn", 4)["book"]["test"] - result("rnn", 1)["book"]["test"] == pytest.approx(0.3)
    ratio = build_rnn(units=512).count_params() / build_rnn().count_params()
    assert round(ratio, 1) == 3.7
