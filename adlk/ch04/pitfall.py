"""书中的 GAN 训练写法为什么不能照搬到 Keras 3：``trainable = False`` 的时机（4.3 节）。

书中（Keras 2）的做法是：先 ``compile`` 判别器，再设 ``discriminator.trainable = False``，搭出
“生成器 → 判别器”的对抗模型并 ``compile``，然后交替调用 ``discriminator.train_on_batch`` 和
``adversarial.train_on_batch``。Keras 2 在 ``compile()`` 时记下哪些参数可训练，所以判别器自己训练时
参数会更新，在对抗模型里则冻结。Keras 3 在第一次调用训练函数、追踪计算图时才读 ``trainable``：
这时它已经是 ``False``，判别器的训练函数里没有可训练的参数，``train_on_batch`` 照常返回损失，
参数却一个也不变，唯一的迹象是一条 ``UserWarning``。

:func:`trainable_pitfall` 把两种写法各跑一步，报告每一步之后哪些网络的参数变了。
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np

from adlk.ch04.models import GAN, book_optimizers, build_discriminator, build_generator


@dataclass
class PitfallReport:
    """两种写法各训练一步之后，参数有没有变。

    Attributes:
        book_d_step_changes_d: 书中写法，``discriminator.train_on_batch`` 之后判别器的参数变了没有。
        book_adversarial_step_changes_g: 书中写法，``adversarial.train_on_batch`` 之后生成器的参数变了没有。
        book_adversarial_step_changes_d: 同一步之后判别器的参数变了没有（应当不变）。
        gan_step_changes_d: :class:`adlk.ch04.GAN` 的一步之后判别器的参数变了没有。
        gan_step_changes_g: 同一步之后生成器的参数变了没有。
        warnings: 书中写法的训练过程中 Keras 发出的警告。
    """

    book_d_step_changes_d: bool
    book_adversarial_step_changes_g: bool
    book_adversarial_step_changes_d: bool
    gan_step_changes_d: bool
    gan_step_changes_g: bool
    warnings: list[str] = field(default_factory=list)


def _values(model: keras.Model) -> list[np.ndarray]:
    return [np.array(w) for w in model.get_weights()]


def _changed(before: list[np.ndarray], model: keras.Model) -> bool:
    return any(not np.array_equal(a, b) for a, b in zip(before, _values(model)))


def trainable_pitfall(make_generator: Callable[[], keras.Model] = build_generator,
                      make_discriminator: Callable[[], keras.Model] = build_discriminator,
                      latent_size: int = 100, batch_size: int = 64, seed: int = 0) -> PitfallReport:
    """书中的写法与 :class:`adlk.ch04.GAN` 各训练一步，看判别器和生成器的参数变了没有。

    Args:
        make_generator: 搭建生成器的函数（默认书中的生成器）。
        make_discriminator: 搭建 sigmoid 输出的判别器的函数（默认书中的判别器）。
        latent_size: z 的维数（须与生成器的输入一致）。
        batch_size: 一步的批大小。
        seed: 随机数种子。
    """
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    real = rng.uniform(0, 1, size=(batch_size, 28, 28, 1)).astype("float32")

    # 书中的写法（Keras 2）
    generator, discriminator = make_generator(), make_discriminator()
    d_opt, g_opt = book_optimizers()
    discriminator.compile(loss="binary_crossentropy", optimizer=d_opt, metrics=["accuracy"])
    discriminator.trainable = False
    z_input = keras.Input(shape=(latent_size,))
    adversarial = keras.Model(z_input, discriminator(generator(z_input)))
    adversarial.compile(loss="binary_crossentropy", optimizer=g_opt, metrics=["accuracy"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        noise = rng.uniform(-1, 1, size=(batch_size, latent_size)).astype("float32")
        fake = generator.predict(noise, verbose=0)
        x = np.concatenate([real, fake])
        y = np.concatenate([np.ones((batch_size, 1)), np.zeros((batch_size, 1))]).astype("float32")
        d_before = _values(discriminator)
        discriminator.train_on_batch(x, y)
        book_d = _changed(d_before, discriminator)
        d_before, g_before = _values(discriminator), _values(generator)
        noise = rng.uniform(-1, 1, size=(batch_size, latent_size)).astype("float32")
        adversarial.train_on_batch(noise, np.ones((batch_size, 1), dtype="float32"))
        book_adv_g, book_adv_d = _changed(g_before, generator), _changed(d_before, discriminator)
    messages = sorted({str(w.message) for w in caught if issubclass(w.category, UserWarning)})

    # 本站的写法：一个 GAN 模型，train_step 里两个 GradientTape、两个优化器
    generator, discriminator = make_generator(), make_discriminator()
    gan = GAN(generator, discriminator, latent_size=latent_size, seed=seed)
    gan.compile(*book_optimizers())
    d_before, g_before = _values(discriminator), _values(generator)
    gan.train_on_batch(real)
    return PitfallReport(book_d, book_adv_g, book_adv_d, _changed(d_before, discriminator),
                         _changed(g_before, generator), messages)
