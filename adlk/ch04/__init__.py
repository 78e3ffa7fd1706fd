"""第 4 章 生成对抗网络：DCGAN 与条件 GAN。

- 4.2 节（DCGAN）：:func:`build_generator`、:func:`build_discriminator`（书中 ``lib/gan.py`` 的两个网络）；
- 4.3 节（在 Keras 3 上训练 GAN）：:class:`GAN`（自定义 ``train_step``、两个优化器、损失跟踪器，
  第 4、5 章的全部 GAN 共用）、:func:`book_optimizers`、:func:`train_gan`，以及
  :func:`trainable_pitfall`（书中 ``trainable = False`` 写法在 Keras 3 上的问题）；
- 4.4 节（条件 GAN）：``build_generator(num_labels=10)``、``build_discriminator(num_labels=10)``；
- 4.5 节（怎样衡量生成的数字）：:func:`build_judge`、:func:`judge_scores`、:func:`frechet_distance`。

对比表与插图分别在 ``adlk.ch04.experiments`` 和 ``adlk.ch04.figures`` 里，``import adlk.ch04`` 不会导入它们。
"""

from adlk.ch04.models import GAN, LATENT_SIZE, book_optimizers, build_discriminator, build_generator, train_gan
from adlk.ch04.pitfall import PitfallReport, trainable_pitfall
from adlk.ch04.quality import build_judge, frechet_distance, judge_scores, load_judge

__all__ = ["GAN", "LATENT_SIZE", "PitfallReport", "book_optimizers", "build_discriminator", "build_generator",
           "build_judge", "frechet_distance", "judge_scores", "load_judge", "train_gan", "trainable_pitfall"]
