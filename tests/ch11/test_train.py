"""The command line for longer runs: same task as the table, settings from the command line."""

import json

import pytest


def test_train_command_runs_the_table_task(tmp_path, monkeypatch):
    from adlk.ch11.train import main

    monkeypatch.setenv("ADLK_PROFILE", "smoke")
    data = main(["--variant", "l1", "--epochs", "1", "--n", "1", "--size", "48", "--out", str(tmp_path)])
    assert data["params"]["epochs"] == 1 and data["params"]["n"] == 1 and data["params"]["size"] == 48
    assert set(data["metrics"]) == {"map50", "miou", "precision", "recall", "recall_repo"}
    saved = json.loads((tmp_path / "l1.json").read_text(encoding="utf-8"))
    assert saved["metrics"] == pytest.approx(data["metrics"])
    assert (tmp_path / "l1-predictions.npz").is_file()


def test_book_flag_and_bad_values():
    from adlk.ch11.train import BOOK, main

    assert BOOK == {"epochs": 200, "batch_size": 4, "n": 6, "n_layers": 4}
    with pytest.raises(SystemExit):
        main(["--variant", "l1", "--epochs", "0"])


def _write_drinks(root, size=48):
    """A tiny data set in the book's drinks format: two train and two test images, one box each."""
    import csv

    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(1)
    for split, names in (("train", ("t0.jpg", "t1.jpg")), ("test", ("s0.jpg", "s1.jpg"))):
        rows = [["frame", "xmin", "xmax", "ymin", "ymax", "class_id"]]
        for k, name in enumerate(names):
            Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8)).save(root / name)
            rows.append([name, "4", "30", "8", "40", str(k + 1)])  # the book's order: xmin, xmax, ymin, ymax
        with (root / f"labels_{split}.csv").open("w", newline="") as f:
            csv.writer(f).writerows(rows)


def test_drinks_data_runs_the_same_task(tmp_path, monkeypatch):
    from adlk.ch11.experiments import load_data
    from adlk.ch11.train import main
    from adlk.profiles import get_profile

    _write_drinks(tmp_path)
    train, test, n_classes = load_data({"drinks": str(tmp_path)}, get_profile("smoke"))
    assert (len(train), len(test), n_classes) == (2, 2, 4)  # background, Water, Soda, Juice
    assert train.objects(0)[0].tolist() == [[4, 8, 30, 40]]  # read into Keras "xyxy"

    monkeypatch.setenv("ADLK_PROFILE", "smoke")
    out = tmp_path / "run"
    data = main(["--variant", "l1", "--drinks", str(tmp_path), "--epochs", "1", "--n", "1", "--batch-size", "2", "--out", str(out)])
    assert data["params"]["drinks"] == str(tmp_path)
    assert data["counts"]["train_scenes"] == 2 and data["counts"]["test_scenes"] == 2
    import numpy as np
    with np.load(out / "l1-predictions.npz") as f:
        assert int(f["size"]) == 48 and f["images"].shape == (2, 48, 48, 3)
        assert set(np.unique(f["truth_classes"])) == {1, 2}


def test_missing_drinks_folder_names_the_substitute(tmp_path):
    from adlk.ch11.experiments import load_data
    from adlk.datasets import DataFileError
    from adlk.profiles import get_profile

    with pytest.raises(DataFileError, match="load_digit_scenes"):
        load_data({"drinks": str(tmp_path / "nowhere")}, get_profile("smoke"))
