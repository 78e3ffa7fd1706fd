"""4.2、4.3 节关于 Keras 3 的说法，逐条在当前安装的 Keras 上核对。

每个测试写明它期望的行为；Keras 改了这一行为时，测试失败并说明页面上哪一句要跟着改。
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest
from keras import layers

from adlk.ch04 import GAN
from tests.ch04.tiny import LATENT, tiny_discriminator, tiny_generator


def _tiny_classifier() -> keras.Model:
    x = keras.Input(shape=(4,))
    return keras.Model(x, layers.Dense(1, activation="sigmoid")(layers.Dense(3)(x)))


def test_compile_snapshots_trainable_but_never_warns_when_it_changes():
    """4.3 节的脚注：compile() 存了一份 trainable 状态（本意是状态变了就警告），但那段警告代码执行不到。"""
    model = _tiny_classifier()
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    assert hasattr(model, "_compiled_trainable_state"), (
        "Keras no longer snapshots `trainable` in compile(): revise the footnote in docs/ch04/keras3.md")
    model.trainable = False
    x, y = np.ones((8, 4), "float32"), np.ones((8, 1), "float32")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.train_on_batch(x, y)
    changed = [str(w.message) for w in caught if "`trainable` state has changed" in str(w.message)]
    assert not changed, (
        "Keras now warns when `trainable` changes after compile(): the book's pattern in docs/ch04/keras3.md "
        f"prints an extra warning; update that page's expected output and footnote. Warning: {changed[0]}")


def test_train_function_reads_trainable_when_it_is_first_traced_not_at_compile():
    """4.3 节：训练函数在第一次调用、追踪计算图时才读 trainable；compile 之后再冻结，这一步就不更新参数。"""
    model = _tiny_classifier()
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.5))
    model.trainable = False  # compile 时还是可训练的
    before = [w.copy() for w in model.get_weights()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.train_on_batch(np.ones((8, 4), "float32"), np.ones((8, 1), "float32"))
    unchanged = all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert unchanged, ("Keras now uses the trainable state of compile() time: the book's trainable=False recipe may "
                       "train again; revise docs/ch04/keras3.md")


def test_gan_logs_hold_only_its_own_trackers_with_or_without_the_metrics_property():
    """4.3 节“损失跟踪器”：GAN 的 train_step 只返回自己的跟踪器，日志里没有 loss 列，覆不覆盖 metrics 都一样；
    覆盖 metrics 决定的是模型列出（并在每次 train_on_batch / 每轮开始时清零）哪些跟踪器。"""

    class Unlisted(GAN):
        @property
        def metrics(self):  # 回到 keras.Model 的默认属性
            return keras.Model.metrics.fget(self)

    real = np.random.default_rng(0).uniform(size=(8, 28, 28, 1)).astype("float32")
    results = {}
    for cls in (GAN, Unlisted):
        keras.utils.set_random_seed(0)
        gan = cls(tiny_generator(), tiny_discriminator(), latent_size=LATENT, seed=0)
        gan.compile(keras.optimizers.RMSprop(2e-4), keras.optimizers.RMSprop(1e-4))
        logs = gan.train_on_batch(real, return_dict=True)
        results[cls.__name__] = (sorted(logs), [m.name for m in gan.metrics])
    assert results["GAN"] == (["d_accuracy", "d_loss", "g_loss"], ["d_loss", "g_loss", "d_accuracy"])
    logs, listed = results["Unlisted"]
    assert logs == ["d_accuracy", "d_loss", "g_loss"], (
        f"Keras now puts its own trackers into a custom train_step's logs ({logs}): revise the tracker paragraph "
        "of docs/ch04/keras3.md")
    assert "loss" in listed  # 不覆盖时，compile() 建的内置 loss 跟踪器也列在 metrics 里


def test_optimizer_decay_is_ignored_with_a_warning():
    """4.2 节“与原书代码的不同”：Keras 3 忽略书中的 decay= 参数，只给一条警告。"""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        opt = keras.optimizers.RMSprop(learning_rate=2e-4, decay=6e-8)
    assert any("decay" in str(w.message) and "ignored" in str(w.message) for w in caught), (
        "Keras no longer ignores `decay=` with a warning: revise docs/ch04/dcgan.md")
    assert float(opt.learning_rate) == pytest.approx(2e-4)


def test_book_lr_argument_is_rejected():
    """书中的 lr= 在 Keras 3 上是错误，所以页面一律写 learning_rate=。"""
    with pytest.raises(ValueError, match="lr"):
        keras.optimizers.RMSprop(lr=2e-4)


def test_keras_ops_has_no_backend_independent_gradient():
    """4.3 节：Keras 3 没有与后端无关的反向模式求梯度接口，GAN 的 train_step 因此用 tf.GradientTape；
    只有前向模式的 jvp（页面也这样说）。"""
    # custom_gradient、stop_gradient 只改写或截断梯度，不求梯度
    assert hasattr(keras.ops, "jvp"), "keras.ops.jvp is gone: revise docs/ch04/keras3.md, which mentions it"
    found = [name for name in dir(keras.ops)
             if name in {"grad", "gradient", "gradients", "value_and_grad", "vjp", "jacobian"}]
    assert not found, (f"keras.ops now has {found}: the GAN train step could become backend independent; "
                       "revise docs/ch04/keras3.md")


def test_train_function_is_not_retraced_when_trainable_changes_afterwards():
    """习题 4 的提示：训练函数只在第一次调用时追踪；此后再冻结模型，它照样更新参数（不重新追踪）。"""
    model = _tiny_classifier()
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.5))
    x, y = np.ones((8, 4), "float32"), np.ones((8, 1), "float32")
    model.train_on_batch(x, y)  # 追踪时可训练
    model.trainable = False
    before = [w.copy() for w in model.get_weights()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.train_on_batch(x, y)
    changed = any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert changed, ("Keras now retraces the train function when `trainable` changes: the hint of exercise 4 in "
                     "docs/ch04/exercises.md and the stop-gap paragraph of docs/ch04/keras3.md need revising")


def test_book_layer_spellings():
    """4.2 节：书中的 LeakyReLU(alpha=) 在 Keras 3 上只是过时（给出警告），keras.layers.merge 模块已不存在。"""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = layers.LeakyReLU(alpha=0.2)
    assert layer.negative_slope == pytest.approx(0.2)
    assert any("negative_slope" in str(w.message) for w in caught)
    with pytest.raises(ImportError):
        import keras.layers.merge  # noqa: F401
