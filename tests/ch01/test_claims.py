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
    return {"metrics": {**data["metrics"], **data["counts"], **data["timing"]}, "provenance": data["provenance"],
            "book": {"test": book.get("test_accuracy"), "train": book.get("train_accuracy")},
            "config": {"optimizer": p["optimizer"], "epochs": p["epochs"], "params": p["build"]},
            "key": data["key"]}


def accuracy(table: str, row: int) -> float:
    """本站这一行的测试准确率（百分数）。"""
    return 100 * result(table, row)["metrics"]["test_accuracy"]


def test_256_units_beat_128():
    """1.4 节“单元数与模型容量”：第 18 行（128 单元）低于第 16 行（256 单元），两行都用 Adam；书中和本站都是如此。"""
    for value in (lambda r: result("mlp", r)["book"]["test"], lambda r: accuracy("mlp", r)):
        assert value(18) < value(16)
    assert result("mlp", 18)["config"]["params"]["hidden_units"] == [128, 128]
    assert result("mlp", 16)["config"]["params"]["hidden_units"] == [256, 256]
    assert result("mlp", 18)["config"]["optimizer"] == result("mlp", 16)["config"]["optimizer"] == "adam"


def test_width_groups_differ_only_in_width():
    """1.4 节的加宽比较：每组行同为 SGD、Dropout 比例相同，只有层宽不同，并且由窄到宽排列。"""
    from adlk.ch01.report import WIDTH_GROUPS

    for group in WIDTH_GROUPS:
        configs = [result("mlp", int(r))["config"] for r in group]
        assert {c["optimizer"] for c in configs} == {"sgd"}, group
        assert len({c["params"]["dropout"] for c in configs}) == 1, group
        assert len({c["params"]["l2"] for c in configs}) == 1 and configs[0]["params"]["l2"] is None, group
        sizes = [sum(c["params"]["hidden_units"]) for c in configs]
        assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes), group


def test_book_gains_little_from_width():
    """1.4 节：书中加宽只带来零点一、二个百分点的提高（书中的“没有显著提高”）。"""
    from adlk.ch01.report import WIDTH_GROUPS

    for group in WIDTH_GROUPS:
        gain = result("mlp", int(group[-1]))["book"]["test"] - result("mlp", int(group[0]))["book"]["test"]
        assert 0 < gain <= 0.25, group


def test_l2_and_dropout_rows_are_comparable():
    """1.4 节的 L2 与 Dropout 比较：都是 SGD、两层 256 单元、ReLU，L2 行没有 Dropout，Dropout 行没有 L2。"""
    from adlk.ch01.report import DROPOUT_ROWS, L2_ROW

    l2 = result("mlp", int(L2_ROW))["config"]
    assert l2["optimizer"] == "sgd" and l2["params"]["l2"] == 0.001 and not l2["params"]["dropout"]
    for row in DROPOUT_ROWS:
        c = result("mlp", int(row))["config"]
        assert c["optimizer"] == "sgd" and c["params"]["l2"] is None and c["params"]["dropout"] > 0, row
        assert c["params"]["hidden_units"] == l2["params"]["hidden_units"] == [256, 256], row


def test_records_disagree_with_the_books_dropout_conclusion():
    """1.4 节：“结果与书中的结论不一致”：书中 L2(0.001) 不如最好的 Dropout 行（只差零点一个百分点），本站反过来。"""
    from adlk.ch01.report import DROPOUT_ROWS, L2_ROW

    book_l2, ours_l2 = result("mlp", int(L2_ROW))["book"]["test"], accuracy("mlp", int(L2_ROW))
    book_best = max(result("mlp", int(r))["book"]["test"] for r in DROPOUT_ROWS)
    ours_best = max(accuracy("mlp", int(r)) for r in DROPOUT_ROWS)
    assert 0 < book_best - book_l2 <= 0.15
    assert ours_l2 > ours_best


def snippet_context():
    from adlk.site.report import ReportContext, load_results

    return ReportContext(cpu=load_results(CPU), gpu={}, docs=DOCS)


def test_generated_comparisons_label_book_and_ours():
    """加宽与 L2/Dropout 的两段比较由结果文件生成：书中的数值和本站的记录分开标明，结论跟着数值走。"""
    from adlk.ch01.report import dropout_l2_snippet, width_snippet

    ctx = snippet_context()
    width = width_snippet(ctx).text
    assert "**书中的数值：**" in width and "**本站的记录：**" in width
    assert f"| 0.4 | 13 | 1024-1024-1024 | 98.3 | {accuracy('mlp', 13):.2f} |" in width
    ours_gains = [accuracy("mlp", 13) - accuracy("mlp", 5), accuracy("mlp", 12) - accuracy("mlp", 6)]
    ours_line = next(line for line in width.splitlines() if "本站的记录" in line)
    assert ("都提高了" in ours_line) == all(g > 0 for g in ours_gains)
    l2 = dropout_l2_snippet(ctx).text
    ours_line = next(line for line in l2.splitlines() if "本站的记录" in line)
    assert f"{accuracy('mlp', 2):.2f}%" in ours_line and "L2 行比最好的 Dropout 行高" in ours_line


def test_generated_comparison_follows_changed_records():
    """把本站 L2 行的准确率改低、最宽的行改差：生成的句子随之改变，不是写死的。"""
    import copy

    from adlk.ch01.report import dropout_l2_snippet, width_snippet

    ctx = snippet_context()
    ctx.cpu = copy.deepcopy(ctx.cpu)
    ctx.cpu["ch01/mlp"]["2"]["metrics"]["test_accuracy"] = 0.90
    ctx.cpu["ch01/mlp"]["13"]["metrics"]["test_accuracy"] = 0.90
    assert "L2 行比最好的 Dropout 行低" in dropout_l2_snippet(ctx).text.splitlines()[1]
    assert "有的提高、有的没有提高" in width_snippet(ctx).text.splitlines()[-1]


def test_pages_include_the_generated_comparisons():
    mlp = (DOCS / "ch01" / "mlp.md").read_text(encoding="utf-8")
    assert '--8<-- "ch01/mlp-width.md"' in mlp and '--8<-- "ch01/dropout-vs-l2.md"' in mlp
    configurations = (DOCS / "ch01" / "configurations.md").read_text(encoding="utf-8")
    assert '--8<-- "ch01/timing-note.md"' in configurations


def test_timing_note_names_every_loaded_row():
    """1.7 节的耗时说明由结果文件生成：记录时另有程序争用 CPU 的每一行（与表中的 † 同一条规则）都被点名，
    同一模型各行“秒/轮”的最大差别照实写出。"""
    from adlk.ch01.report import MODEL_NAMES, timing_note_snippet
    from adlk.runs.provenance import under_load

    text = timing_note_snippet(snippet_context()).text
    loaded = 0
    for name in ("mlp", "mlp-sgd", "cnn", "rnn"):
        for row in range(1, 19):
            try:
                p = result(name, row)
            except (KeyError, ValueError, StopIteration):
                continue
            if under_load(p):
                loaded += 1
                assert f"{MODEL_NAMES[name]} 第 {row} 行" in text, (name, row)
    assert loaded >= 1
    rnn = [result("rnn", r)["metrics"]["steady_seconds_per_epoch"] for r in (1, 2, 3)]
    assert f"{max(rnn) / min(rnn):.1f} 倍" in text
    assert "不能用来比较不同行" in text


def test_no_speed_ranking_from_loaded_rows():
    """第 1 章的正文不从不同负载下记录的耗时得出谁快谁慢（速度比较只在运行速度页、同一次运行里做）。"""
    pages = {p.name: p.read_text(encoding="utf-8") for p in (DOCS / "ch01").glob("*.md")}
    for phrase in ("基本没有其他任务", "MLP 最快，CNN 最慢", "只看单轮耗时", "拿它和表中“秒/轮”一栏对照"):
        assert not [name for name, text in pages.items() if phrase in text], phrase


def test_simple_rnn_is_level_with_the_mlp():
    """1.8 节：SimpleRNN 的准确率与 MLP 在同一水平，书中和本站都相差在半个百分点以内。"""
    mlp, rnn = result("mlp", 16), result("rnn", 1)
    assert abs(accuracy("mlp", 16) - accuracy("rnn", 1)) < 0.5
    assert abs(mlp["book"]["test"] - rnn["book"]["test"]) <= 0.5


def test_configuration_page_numbers_follow_the_records():
    """1.7 节的几处概括：第 1 行（线性）“92% 左右”；第 4 行训练与测试准确率“都在 95% 上下”。"""
    assert 91.0 < accuracy("mlp", 1) < 93.0
    row4 = result("mlp", 4)["metrics"]
    for value in (row4["train_accuracy"], row4["test_accuracy"]):
        assert 94.0 < 100 * value < 96.5
    assert abs(row4["train_accuracy"] - row4["test_accuracy"]) < 0.01


def test_train_eval_accuracy_is_above_the_reported_one_in_every_dropout_row():
    """1.7 节：带 Dropout 的行，关闭 Dropout 后重新评估的训练准确率总是高于训练中报告的值（三张表都是）。"""
    from adlk.ch01.experiments import table as declared

    for name in ("mlp", "cnn", "rnn"):
        for run in declared(name).runs:
            if run.params["build"].get("dropout"):
                m = result(name, int(run.row))["metrics"]
                assert m["train_eval_accuracy"] > m["train_accuracy"], (name, run.row)


def test_rnn_gradient_shrinks_to_about_a_tenth():
    """1.6 节“梯度只剩大约十分之一”：页面上（由测试在完整数据上核对的）输出里，t=1 与 t=28 的比值。"""
    import re

    text = (DOCS / "ch01" / "rnn.md").read_text(encoding="utf-8")
    ratio = float(re.search(r"t= 1：\|dL/dh_t\| = [0-9.e+-]+，是 t=28 的 ([0-9.]+) 倍", text).group(1))
    assert 0.07 < ratio < 0.15
    assert "大约十分之一" in text


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
