"""第 1 章 Keras 入门：MLP、CNN 与 SimpleRNN 三个参考模型，以及它们的 MNIST 输入形式。

- 1.3 节（MNIST）：:func:`to_mlp_input`、:func:`to_cnn_input`、:func:`to_rnn_input`、:func:`load_mnist_for`；
- 1.4 节（MLP）：:func:`build_mlp`；1.5 节（CNN）：:func:`build_cnn`；1.6 节（RNN）：:func:`build_rnn`。

对比表与插图分别在 ``adlk.ch01.experiments`` 和 ``adlk.ch01.figures`` 里，``import adlk.ch01`` 不会导入它们。
"""

from adlk.ch01.data import VIEWS, load_mnist_for, to_cnn_input, to_mlp_input, to_rnn_input
from adlk.ch01.models import BUILDERS, build_cnn, build_mlp, build_rnn

__all__ = ["BUILDERS", "VIEWS", "build_cnn", "build_mlp", "build_rnn", "load_mnist_for", "to_cnn_input",
           "to_mlp_input", "to_rnn_input"]
