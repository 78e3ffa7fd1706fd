"""第 2 章页面上关于书中 tf.keras 2 代码在 Keras 3 上能否运行的说法，在已安装的 Keras 上核对。

页面（docs/ch02/resnet.md、densenet.md）的代码块演示了 lr=、AveragePooling2D()、val_acc 与学习率的两个回调；
这里核对页面上只用文字说明的一条：书中用旧版 ImageDataGenerator 喂数据的 fit() 写法仍能运行。
Keras 去掉这个兼容层时，这个测试会失败，页面与 index.md 里“仍能运行”的说法要跟着改。
"""

import math

import keras
import numpy as np


def test_book_image_data_generator_still_feeds_fit():
    """书中的 ImageDataGenerator(width_shift_range=0.1, ...) 与 model.fit(x=datagen.flow(...), steps_per_epoch=...)。"""
    from tensorflow.keras.preprocessing.image import ImageDataGenerator

    assert ImageDataGenerator.__module__.startswith("keras.src.legacy"), ImageDataGenerator.__module__
    rng = np.random.default_rng(0)
    x = rng.random((16, 8, 8, 3)).astype("float32")
    y = keras.utils.to_categorical(np.arange(16) % 2, 2)
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["acc"])
    datagen = ImageDataGenerator(width_shift_range=0.1, height_shift_range=0.1, horizontal_flip=True)
    datagen.fit(x)
    history = model.fit(x=datagen.flow(x, y, batch_size=4), epochs=1, verbose=0, validation_data=(x, y),
                        steps_per_epoch=math.ceil(len(x) / 4))
    assert {"acc", "val_acc"} <= set(history.history), sorted(history.history)
