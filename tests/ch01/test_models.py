import keras
import pytest

from adlk.ch01 import build_cnn, build_mlp, build_rnn
from adlk.training import make_optimizer


@pytest.mark.parametrize(
    ("builder", "params"),
    [(build_mlp, 200_960 + 65_792 + 2_570), (build_cnn, 640 + 36_928 + 36_928 + 5_770),
     (build_rnn, 72_960 + 2_570)],
)
def test_reference_parameter_counts(builder, params):
    assert builder().count_params() == params


def test_mlp_variants():
    linear = build_mlp(activation=None, dropout=0.0)
    kinds = [type(layer).__name__ for layer in linear.layers]
    assert "Dropout" not in kinds and kinds.count("Activation") == 1  # 只有 softmax
    reg = build_mlp(l2=0.01)
    dense = [layer for layer in reg.layers if isinstance(layer, keras.layers.Dense)]
    assert dense[0].kernel_regularizer is not None and dense[-1].kernel_regularizer is None
    assert build_mlp(hidden_units=(512, 1024)).count_params() == 784 * 512 + 512 + 512 * 1024 + 1024 + 10250


def test_optimizers_use_keras3_names():
    assert isinstance(make_optimizer("Adam"), keras.optimizers.Adam)
    assert make_optimizer("sgd").learning_rate.numpy() == pytest.approx(0.01)
    with pytest.raises(ValueError, match="valid optimizers: sgd, adam, rmsprop"):
        make_optimizer("adagrad")
    sgd = make_optimizer("sgd:learning_rate=0.1,momentum=0.9")
    assert sgd.learning_rate.numpy() == pytest.approx(0.1) and sgd.momentum == pytest.approx(0.9)
    with pytest.raises(ValueError, match="bad optimizer argument"):
        make_optimizer("sgd:momentum=high")
    with pytest.raises(ValueError, match="bad optimizer arguments"):
        make_optimizer("sgd:lr=0.1")
