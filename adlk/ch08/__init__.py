"""第 8 章 变分自编码器：MLP 与 CNN 的 VAE、条件 VAE 和 β-VAE。

- 8.2 节（Keras 3 实现）：:class:`Sampling`（重参数化技巧）与 :class:`VAE`（自定义 ``train_step`` 与损失跟踪器，
  四种变体共用）；
- 8.3 节（MLP VAE）：:func:`build_mlp_vae`；8.4 节（CNN VAE）：:func:`build_cnn_vae`；
- 8.5 节（条件 VAE）：:func:`build_cvae`；8.6 节（β-VAE）：``VAE(encoder, decoder, beta=β)``。

对比表与插图分别在 ``adlk.ch08.experiments`` 和 ``adlk.ch08.figures`` 里，``import adlk.ch08`` 不会导入它们。
"""

from adlk.ch08.models import BUILDERS, VAE, Sampling, build_cnn_vae, build_cvae, build_mlp_vae

__all__ = ["BUILDERS", "VAE", "Sampling", "build_cnn_vae", "build_cvae", "build_mlp_vae"]
