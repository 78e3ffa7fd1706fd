"""第 6 章 解耦表示 GAN：InfoGAN 与 StackedGAN，都建立在第 4 章的网络与 :class:`adlk.ch04.GAN` 上。

- 6.2 节（InfoGAN）：:func:`build_infogan_generator`、:func:`build_infogan_discriminator`、:class:`InfoGAN`、
  :func:`build_infogan`，以及两种码的互信息损失 :func:`mi_categorical`、:func:`mi_gaussian`；
- 6.3 节（StackedGAN）：:func:`build_encoder`、:func:`pretrain_encoder`、:func:`build_gen0`、:func:`build_gen1`、
  :func:`build_dis0`、:func:`build_dis1`、:class:`StackedGAN`、:func:`build_stackedgan`；
- 6.4 节（怎样衡量解耦）：:func:`matched_accuracy`（类别码与数字的最佳一一对应）。

记录、插图与报告分别在 ``adlk.ch06.experiments``、``adlk.ch06.figures``、``adlk.ch06.report`` 里，
``import adlk.ch06`` 不会导入它们。
"""

from adlk.ch06.measures import code_digit_counts, matched_accuracy
from adlk.ch06.models import (CODE_STD, INFO_LATENT, InfoGAN, StackedGAN, build_dis0, build_dis1, build_encoder,
                              build_gen0, build_gen1, build_infogan, build_infogan_discriminator,
                              build_infogan_generator, build_stackedgan, mi_categorical, mi_gaussian,
                              pretrain_encoder)

__all__ = ["CODE_STD", "INFO_LATENT", "InfoGAN", "StackedGAN", "build_dis0", "build_dis1", "build_encoder",
           "build_gen0", "build_gen1", "build_infogan", "build_infogan_discriminator", "build_infogan_generator",
           "build_stackedgan", "code_digit_counts", "matched_accuracy", "mi_categorical", "mi_gaussian",
           "pretrain_encoder"]
