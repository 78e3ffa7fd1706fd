"""4.3 节：书中“编译判别器、设 trainable = False、编译对抗模型”的写法在 Keras 3 上判别器不训练，GAN 类的一步会训练它。"""

from __future__ import annotations

from adlk.ch04 import trainable_pitfall
from tests.ch04.tiny import LATENT, tiny_discriminator, tiny_generator


def test_books_pattern_leaves_the_discriminator_unchanged_and_ours_trains_it():
    report = trainable_pitfall(tiny_generator, tiny_discriminator, latent_size=LATENT, batch_size=8)
    # 书中的写法：判别器自己的一步什么也没改，对抗模型的一步只改生成器
    assert report.book_d_step_changes_d is False
    assert report.book_adversarial_step_changes_g is True
    assert report.book_adversarial_step_changes_d is False
    assert any("does not have any trainable weights" in w for w in report.warnings)
    # GAN 类的一步：判别器和生成器都被更新
    assert report.gan_step_changes_d is True
    assert report.gan_step_changes_g is True
