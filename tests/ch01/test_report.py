"""表格渲染与第 1 章的生成片段：每个数都来自结果文件。"""

from adlk.ch01.experiments import table
from adlk.ch01.report import model_summary, reference_snippet
from adlk.site.report import render_table


def fake_result(test_acc, train_acc=0.99):
    return {
        "schema": 2, "run": {"seeds": [0]},
        "metrics": {"test_accuracy": test_acc, "train_accuracy": train_acc}, "spread": {},
        "counts": {"epochs": 20, "parameters": 269322, "train_samples": 60000},
        "timing": {"steady_seconds_per_epoch": 2.5, "wall_seconds": 60.0},
        "provenance": {"profile": "full", "cpu": "Test CPU", "cpu_count": 2, "gpus": [], "os": "Linux",
                       "python": "3.12.1", "tensorflow": "2.21.0", "keras": "3.15.1", "seed": 0,
                       "date": "2026-11-30T06:00:00+00:00", "git_commit": "abcdef123", "device": "cpu"},
    }


def test_table_shows_ours_beside_book_and_flags_big_gaps():
    cnn = table("cnn")
    md = render_table(cnn, {"3": fake_result(0.9930), "1": fake_result(0.9700)})
    lines = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(lines) == 1 + len(cnn.runs)
    assert lines[0].startswith("| # | 层（书中写法） | 正则化 | 优化器 | ReLU | 训练 %<br>本站 / 书中")
    row3 = next(line for line in lines if line.startswith("| 3 |"))
    assert "**99.30** / 99.40" in row3 and "-0.10" in row3 and "⚠" not in row3 and "| 是 |" in row3
    row1 = next(line for line in lines if line.startswith("| 1 |"))
    assert "-1.50 ⚠" in row1
    assert "2 行有记录，2 行尚未运行" in md and "Test CPU" in md and "TensorFlow 2.21.0" in md


def test_empty_table_says_so():
    assert "尚无本站的运行记录" in render_table(table("rnn"), {})
    assert "尚无记录" in reference_snippet("rnn", None)


def test_reference_snippet_uses_recorded_numbers():
    text = reference_snippet("mlp", fake_result(0.9843))
    assert "98.43%" in text and "2026-11-30" in text and "ch01/mlp/row16.json" in text


def test_model_summary_does_not_depend_on_earlier_models():
    import keras

    from adlk.ch01 import build_mlp

    first = model_summary("mlp")
    build_mlp(), build_mlp()  # 之前建过别的模型，层名计数已经变了
    assert model_summary("mlp") == first
    assert "dense (Dense)" in first
    keras.backend.clear_session()
