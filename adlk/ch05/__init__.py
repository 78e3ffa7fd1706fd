"""第 5 章 改进的 GAN：WGAN、LSGAN 与 ACGAN，都建立在第 4 章的 :class:`adlk.ch04.GAN` 上。

- 5.2 节（WGAN）：:class:`WGAN`（Wasserstein 损失、权重裁剪、每步 5 次判别器更新）；
- 5.3 节（LSGAN）：:class:`LSGAN`（最小二乘损失）；
- 5.4 节（ACGAN）：:class:`ACGAN`（判别器带辅助分类器）；
- :func:`build_model`：按书中的设置搭好三者之一。

对比表与插图分别在 ``adlk.ch05.experiments`` 和 ``adlk.ch05.figures`` 里，``import adlk.ch05`` 不会导入它们。
"""

from adlk.ch05.models import ACGAN, LSGAN, MODELS, WGAN, build_model

__all__ = ["ACGAN", "LSGAN", "MODELS", "WGAN", "build_model"]
