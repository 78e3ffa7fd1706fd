"""第 7 章 跨域 GAN：CycleGAN（U-Net 生成器、PatchGAN 判别器、实例归一化、循环一致损失）。

- 7.2 节（网络）：:func:`instance_norm`、:func:`build_generator`、:func:`build_discriminator`；
- 7.3 节（训练）：:class:`CycleGAN`、损失 :func:`adversarial_loss`、:func:`discriminator_loss`、:func:`cycle_loss`、
  :func:`generator_objective`，:func:`build_cyclegan`、:func:`train_cyclegan`；
- 替代数据：:func:`load_mnist_mnistm`（代替 MNIST ↔ SVHN）、:func:`load_grey_colour`（代替 CIFAR-10 灰度 ↔ 彩色）。

对比表与插图分别在 ``adlk.ch07.experiments`` 和 ``adlk.ch07.figures`` 里，``import adlk.ch07`` 不会导入它们。
"""

from adlk.ch07.data import Domains, halves, load_grey_colour, load_mnist_mnistm, pad32, to_grey
from adlk.ch07.models import (CYCLE_WEIGHT, IDENTITY_WEIGHT, CycleGAN, adversarial_loss, book_optimizers,
                              build_cyclegan, build_discriminator, build_generator, cycle_loss, decoder_layer,
                              discriminator_loss, encoder_layer, generator_objective, instance_norm, patch_size,
                              train_cyclegan)

__all__ = ["CYCLE_WEIGHT", "CycleGAN", "Domains", "IDENTITY_WEIGHT", "adversarial_loss", "book_optimizers",
           "build_cyclegan", "build_discriminator", "build_generator", "cycle_loss", "decoder_layer",
           "discriminator_loss", "encoder_layer", "generator_objective", "halves", "instance_norm",
           "load_grey_colour", "load_mnist_mnistm", "pad32", "patch_size", "to_grey", "train_cyclegan"]
