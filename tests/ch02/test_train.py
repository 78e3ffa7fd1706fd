"""完整训练命令 ``python -m adlk.ch02.train``：参数、坏名字的报错，以及在 smoke 档位下真的训练一轮。"""

import pytest

from adlk.ch02 import train


def test_bad_model_and_data_names_are_clear_errors():
    with pytest.raises(ValueError, match="resnet<depth>v1"):
        train.build_named("alexnet")
    with pytest.raises(ValueError, match="6n\\+2"):
        train.build_named("resnet21v1")
    with pytest.raises(ValueError, match="valid: cifar10, mnistm"):
        train.load_data("svhn")


def test_prepare_subtracts_the_training_mean_only_for_resnet():
    import numpy as np

    x = np.full((2, 32, 32, 3), 255, np.uint8)
    a, b = train.prepare(x, x[:1], subtract_pixel_mean=True)
    assert np.allclose(a, 0) and np.allclose(b, 0)
    a, _ = train.prepare(x, x[:1], subtract_pixel_mean=False)
    assert np.allclose(a, 1)


def test_book_callbacks_use_keras3_names(tmp_path):
    cbs = train.book_callbacks(tmp_path, "resnet20v1")
    checkpoint = cbs[0]
    assert checkpoint.monitor == "val_accuracy" and checkpoint.filepath.endswith(".keras")
    assert {type(c).__name__ for c in cbs} == {"ModelCheckpoint", "ReduceLROnPlateau", "LearningRateScheduler"}


def test_command_trains_one_epoch_in_smoke(tmp_path, monkeypatch, capsys):
    """命令从头到尾走一遍：加载数据、预处理、搭建、增强、训练一轮、按 val_accuracy 存检查点、评估。

    为了让 CI 快，数据只取替代数据集 smoke 子集的前 64 / 32 张，模型用最浅的 ResNet8 v1。
    """
    from adlk.datasets import load_mnistm

    monkeypatch.setenv("ADLK_PROFILE", "smoke")
    (x_train, y_train), (x_test, y_test) = load_mnistm("smoke")
    monkeypatch.setattr(train, "load_data", lambda name, profile=None: ((x_train[:64], y_train[:64]),
                                                                        (x_test[:32], y_test[:32])))
    assert train.main(["resnet8v1", "--data", "mnistm", "--epochs", "1", "--save-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "resnet8v1 on mnistm: test accuracy" in out
    assert list(tmp_path.glob("resnet8v1.001.keras"))
