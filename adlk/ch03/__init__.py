"""第 3 章 自编码器：卷积自编码器、二维潜在空间、去噪、潜在编码上的分类器与着色。

- 3.2 节（用 Keras 搭建自编码器）：:func:`build_autoencoder`；
- 3.3 节（二维潜在空间）：同一个 :func:`build_autoencoder`，``latent_dim=2``；
- 3.4 节（去噪自编码器）：:func:`add_noise`、:func:`psnr`；
- 3.5 节（潜在编码上的分类器）：:func:`build_latent_classifier`、:func:`build_classifier_autoencoder`；
- 3.6 节（着色自编码器）：:func:`build_colorization_autoencoder`、:func:`rgb2gray`，替代数据
  :func:`load_colored_mnist`（:func:`class_palette`、:func:`color_digits`、:func:`color_votes`）。

对比表与插图分别在 ``adlk.ch03.experiments`` 和 ``adlk.ch03.figures`` 里，``import adlk.ch03`` 不会导入它们。
"""

from adlk.ch03.data import (PALETTE, add_noise, class_palette, color_digits, color_votes, load_colored_mnist, psnr,
                            rgb2gray)
from adlk.ch03.models import (build_autoencoder, build_classifier_autoencoder, build_colorization_autoencoder,
                              build_latent_classifier)

__all__ = ["PALETTE", "add_noise", "build_autoencoder", "build_classifier_autoencoder",
           "build_colorization_autoencoder", "build_latent_classifier", "class_palette", "color_digits",
           "color_votes", "load_colored_mnist", "psnr", "rgb2gray"]
