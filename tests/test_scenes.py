"""数字场景生成器（第 11、12 章的替代数据集）与书中 drinks 格式的读取：手算的小例子和对生成结果的逐项检查。"""

import csv

import numpy as np
import pytest

from adlk.datasets import DataFileError, load_digit_scenes, load_drinks, load_mnist, make_scenes
from adlk.datasets.scenes import one_hot_masks, render_digit, resize_linear


@pytest.fixture(scope="module")
def mnist():
    return load_mnist("full")


@pytest.fixture(scope="module")
def train(mnist):
    return make_scenes(300, "train", 64, mnist=mnist)


# ---- hand-worked pieces ------------------------------------------------------------------------------------------

def test_resize_linear_by_hand():
    # 2 → 4 columns: sample positions (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clipped to [0, 1]
    out = resize_linear(np.array([[0.0, 4.0]]), 1, 4)
    np.testing.assert_allclose(out, [[0.0, 1.0, 3.0, 4.0]])
    image = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(resize_linear(image, 3, 4), image)  # same size: unchanged


def test_render_digit_crops_the_ink_and_keeps_the_aspect_ratio():
    digit = np.zeros((28, 28), dtype=np.uint8)
    digit[5:15, 9:14] = 255  # ink block 10 rows × 5 columns
    patch = render_digit(digit, 8)
    assert patch.shape == (8, 4)  # 8 * 5 / 10 = 4
    assert np.all(patch == 255)


def test_one_scene_worked_by_hand():
    """One digit (a solid 10×5 block), a flat grey photo: the image, mask and box are known exactly."""
    x = np.zeros((1, 28, 28), dtype=np.uint8)
    x[0, 5:15, 9:14] = 255
    y = np.array([7], dtype=np.uint8)
    photo = np.full((40, 40, 3), 100, dtype=np.uint8)
    s = make_scenes(2, "test", 32, mnist=((x, y), (x, y)), photos=[photo], min_digits=1, max_digits=1,
                    min_scale=0.25, max_scale=0.25)
    for i in range(2):
        boxes, classes = s.objects(i)
        assert classes.tolist() == [8]  # digit 7 → class 8 (0 is background)
        x0, y0, x1, y1 = boxes[0].astype(int)
        assert (x1 - x0, y1 - y0) == (4, 8)  # 0.25 * 32 = 8 rows, 4 columns
        expected_mask = np.zeros((32, 32), dtype=np.uint8)
        expected_mask[y0:y1, x0:x1] = 8
        np.testing.assert_array_equal(s.masks[i], expected_mask)
        expected = np.full((32, 32, 3), 100, dtype=np.uint8)
        expected[y0:y1, x0:x1] = 155  # |100 - 255|
        np.testing.assert_array_equal(s.images[i], expected)
        assert s.digits[i].tolist() == [0]


def test_one_hot_masks_by_hand():
    m = np.array([[0, 2], [1, 0]], dtype=np.uint8)
    out = one_hot_masks(m, 3)
    assert out.shape == (2, 2, 3) and out.dtype == np.uint8
    assert out[0, 0].tolist() == [1, 0, 0] and out[0, 1].tolist() == [0, 0, 1] and out[1, 0].tolist() == [0, 1, 0]


# ---- properties of generated scenes ------------------------------------------------------------------------------

def test_shapes_and_padding(train):
    assert train.images.shape == (300, 64, 64, 3) and train.images.dtype == np.uint8
    assert train.boxes.shape == (300, 3, 4) and train.classes.shape == (300, 3) and train.masks.shape == (300, 64, 64)
    present = train.classes >= 0
    assert present[:, 0].all()  # at least one digit per scene
    assert np.all(train.boxes[~present] == -1) and np.all(train.digits[~present] == -1)
    counts = present.sum(axis=1)
    assert set(counts.tolist()) == {1, 2, 3}  # several digits per image
    heights = train.boxes[present][:, 3] - train.boxes[present][:, 1]
    assert heights.min() <= 16 and heights.max() >= 32  # several scales on a 64-pixel canvas


def test_deterministic_and_independent_of_n(mnist):
    a = make_scenes(6, "train", 48, seed=3, mnist=mnist)
    b = make_scenes(6, "train", 48, seed=3, mnist=mnist)
    c = make_scenes(3, "train", 48, seed=3, mnist=mnist)
    d = make_scenes(6, "train", 48, seed=4, mnist=mnist)
    for name in ("images", "boxes", "classes", "masks", "digits"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        np.testing.assert_array_equal(getattr(a, name)[:3], getattr(c, name))
    assert not np.array_equal(a.images, d.images)


def test_boxes_do_not_overlap(train):
    for i in range(len(train)):
        boxes, _ = train.objects(i)
        for j in range(len(boxes)):
            for k in range(j + 1, len(boxes)):
                a, b = boxes[j], boxes[k]
                w = min(a[2], b[2]) - max(a[0], b[0])
                h = min(a[3], b[3]) - max(a[1], b[1])
                assert w < 0 or h < 0, (i, a, b)  # separated by at least one pixel


def test_boxes_are_tight_around_the_mask_and_classes_match(train):
    for i in range(len(train)):
        boxes, classes = train.objects(i)
        covered = np.zeros(train.masks[i].shape, dtype=bool)
        for box, cls in zip(boxes.astype(int), classes):
            x0, y0, x1, y1 = box
            inside = train.masks[i][y0:y1, x0:x1]
            values = set(np.unique(inside).tolist())
            assert values <= {0, int(cls)} and int(cls) in values
            on = inside > 0
            # tight: the first and last rows and columns of the box each hold a mask pixel
            assert on[0].any() and on[-1].any() and on[:, 0].any() and on[:, -1].any()
            covered[y0:y1, x0:x1] = True
        assert not np.any(train.masks[i][~covered])  # no mask pixel outside every box


def test_classes_are_the_mnist_labels_of_the_right_split(mnist, train):
    (_, y_train), (_, y_test) = mnist
    present = train.classes >= 0
    np.testing.assert_array_equal(train.classes[present], y_train[train.digits[present]] + 1)
    test = make_scenes(100, "test", 64, mnist=mnist)
    present = test.classes >= 0
    assert test.digits[present].max() < len(y_test)
    np.testing.assert_array_equal(test.classes[present], y_test[test.digits[present]] + 1)


def test_train_and_test_scenes_draw_from_disjoint_digits(mnist):
    """With MNIST split into digits 0–4 (train) and 5–9 (test), train scenes show only 0–4 and test scenes only 5–9."""
    (x, y), _ = mnist
    low, high = y < 5, y >= 5
    fake = ((x[low][:500], y[low][:500]), (x[high][:500], y[high][:500]))
    tr = make_scenes(50, "train", 64, mnist=fake)
    te = make_scenes(50, "test", 64, mnist=fake)
    assert set(tr.classes[tr.classes >= 0].tolist()) <= {1, 2, 3, 4, 5}
    assert set(te.classes[te.classes >= 0].tolist()) <= {6, 7, 8, 9, 10}
    assert set(np.unique(tr.masks).tolist()) <= {0, 1, 2, 3, 4, 5}


def test_smoke_profile_is_a_prefix_of_full(mnist):
    tr_s, te_s = load_digit_scenes("smoke", 32, n_train=4, n_test=2)
    tr_f = make_scenes(8, "train", 32, mnist=mnist)
    np.testing.assert_array_equal(tr_s.images, tr_f.images[:4])
    assert len(te_s) == 2 and te_s.split == "test"
    tr_s, te_s = load_digit_scenes("smoke", 32)
    assert (len(tr_s), len(te_s)) == (64, 32)


def test_bad_arguments_are_named(mnist):
    with pytest.raises(ValueError, match="split"):
        make_scenes(1, "val", mnist=mnist)
    with pytest.raises(ValueError, match="min_digits"):
        make_scenes(1, min_digits=3, max_digits=2, mnist=mnist)


# ---- the book's drinks format ------------------------------------------------------------------------------------

def _write_drinks(root):
    from PIL import Image

    rng = np.random.default_rng(0)
    images = {name: rng.integers(0, 256, (6, 8, 3), dtype=np.uint8) for name in ("a.png", "b.png", "c.png")}
    for name, image in images.items():
        Image.fromarray(image).save(root / name)
    rows = [["frame", "xmin", "xmax", "ymin", "ymax", "class_id"],
            ["a.png", "1", "4", "2", "5", "1"],
            ["c.png", "0", "8", "0", "6", "2"],
            ["a.png", "5", "7", "0", "3", "3"],
            ["b.png", "2", "2", "1", "4", "2"],   # zero width: skipped, so b.png has no object and is dropped
            ["c.png", "1", "2"]]                  # incomplete row: skipped
    with (root / "labels_train.csv").open("w", newline="") as f:
        csv.writer(f).writerows(rows)
    return images


def test_drinks_format_by_hand(tmp_path):
    images = _write_drinks(tmp_path)
    ds = load_drinks("train", tmp_path)
    assert len(ds) == 2 and ds.filenames == ["a.png", "c.png"]
    boxes, classes = ds.objects(0)
    # the book's (xmin, xmax, ymin, ymax) become Keras "xyxy" (xmin, ymin, xmax, ymax)
    np.testing.assert_array_equal(boxes, [[1, 2, 4, 5], [5, 0, 7, 3]])
    assert classes.tolist() == [1, 3]
    boxes, classes = ds.objects(1)
    np.testing.assert_array_equal(boxes, [[0, 0, 8, 6]])
    assert classes.tolist() == [2]
    np.testing.assert_array_equal(ds.image(1), images["c.png"])


def test_drinks_segmentation_masks(tmp_path):
    _write_drinks(tmp_path)
    class_map = np.zeros((6, 8), dtype=np.uint8)
    class_map[2:5, 1:4] = 1
    class_map[0:3, 5:7] = 3
    np.save(tmp_path / "segmentation_train.npy", {"a.png": one_hot_masks(class_map, 4)})
    ds = load_drinks("train", tmp_path)
    np.testing.assert_array_equal(ds.mask(0), class_map)
    with pytest.raises(DataFileError, match="c.png"):
        ds.mask(1)


def test_drinks_offline_error_names_the_substitute(monkeypatch, tmp_path):
    monkeypatch.setenv("ADLK_DATA", str(tmp_path))
    with pytest.raises(DataFileError, match=r"load_digit_scenes\(\)") as info:
        load_drinks("test")
    assert str(tmp_path / "drinks") in str(info.value)
