"""Keras 3 与书中 tf.keras 代码的差别，每条都在这里实际运行；库的行为变了，测试就失败并说明预期。"""

import importlib.util

import numpy as np
import pytest


def test_book_sequence_is_not_accepted_by_keras3_fit():
    """The book's DataGenerator subclasses tensorflow.python.keras.utils.data_utils.Sequence (legacy tf.keras).
    The import still works in TensorFlow 2.21, but Keras 3's fit() rejects such an object: use keras.utils.PyDataset."""
    import keras

    legacy = pytest.importorskip("tensorflow.python.keras.utils.data_utils")

    class Generator(legacy.Sequence):
        def __len__(self):
            return 1

        def __getitem__(self, index):
            return np.zeros((4, 3), "float32"), np.zeros((4, 1), "float32")

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="Unrecognized data type"):
        model.fit(Generator(), epochs=1, verbose=0)


@pytest.mark.skipif(importlib.util.find_spec("cv2") is not None, reason="OpenCV is installed here")
def test_keras_draw_bounding_boxes_needs_opencv():
    """keras.visualization.draw_bounding_boxes draws with OpenCV, which adlk does not depend on: figures use Matplotlib."""
    import keras

    images = np.zeros((1, 8, 8, 3), "float32")
    boxes = {"boxes": np.array([[[1, 1, 4, 4]]], "float32"), "labels": np.array([[1]])}
    with pytest.raises(ImportError, match="OpenCV"):
        keras.visualization.draw_bounding_boxes(images, boxes, "xyxy")


def test_keras_iou_adds_epsilon_to_the_union():
    """compute_iou divides by union + 1e-7: identical boxes give 1 - 1e-7 relative (adlk.ch11.iou gives exactly 1)."""
    import keras

    from adlk.ch11 import iou

    box = np.array([[0.0, 0.0, 1.0, 1.0]])
    theirs = float(keras.ops.convert_to_numpy(keras.utils.bounding_boxes.compute_iou(box, box, "xyxy"))[0, 0])
    assert theirs == pytest.approx(1 / (1 + 1e-7), rel=1e-6) and theirs < 1.0
    assert iou(box, box)[0, 0] == 1.0


def test_keras3_models_have_no_fit_generator():
    # the book's printed listing trains with fit_generator(..., use_multiprocessing=True, workers=...)
    import keras

    assert not hasattr(keras.Model, "fit_generator")
