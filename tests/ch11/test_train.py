"""The command line for longer runs: same task as the table, settings from the command line."""

import json

import pytest


def test_train_command_runs_the_table_task(tmp_path, monkeypatch):
    from adlk.ch11.train import main

    monkeypatch.setenv("ADLK_PROFILE", "smoke")
    data = main(["--variant", "l1", "--epochs", "1", "--n", "1", "--size", "48", "--out", str(tmp_path)])
    assert data["params"]["epochs"] == 1 and data["params"]["n"] == 1 and data["params"]["size"] == 48
    assert set(data["metrics"]) == {"map50", "miou", "precision", "recall"}
    saved = json.loads((tmp_path / "l1.json").read_text(encoding="utf-8"))
    assert saved["metrics"] == pytest.approx(data["metrics"])
    assert (tmp_path / "l1-predictions.npz").is_file()


def test_book_flag_and_bad_values():
    from adlk.ch11.train import BOOK, main

    assert BOOK == {"epochs": 200, "batch_size": 4, "n": 6}
    with pytest.raises(SystemExit):
        main(["--variant", "l1", "--epochs", "0"])
