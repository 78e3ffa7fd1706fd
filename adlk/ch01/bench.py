"""速度基准：同一个模型、同样的轮数，按书中的写法训练和按本站运行器的设置训练，在同一次运行里对比。

这是基准脚本，不是测试：``python -m adlk bench`` 打印每轮秒数与比值，并把结果写进
``docs/results/bench/<device>.json``（原子写入，带来历），运行速度页由它生成。

比较的几种做法（结果应当相同，只比速度）：

- ``book``：书中脚本的写法，``compile(optimizer="adam")`` 后直接 ``fit``，其余全用默认值；
- ``spe16``：每次调用编译后的函数执行 16 步（``steps_per_execution=16``），即本站运行器的默认设置；
- ``spe16+xla``：在此之上再用 XLA 编译（``jit_compile=True``；CPU 上 Keras 默认不开）。
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

VARIANTS: dict[str, dict[str, Any]] = {
    "book": {"steps_per_execution": 1, "jit_compile": "auto"},
    "spe16": {"steps_per_execution": 16, "jit_compile": "auto"},
    "spe16+xla": {"steps_per_execution": 16, "jit_compile": True},
}
OPTIMIZER = {"mlp": "adam", "cnn": "adam", "rnn": "sgd"}


def time_variant(model_kind: str, variant: str, epochs: int, seed: int = 0,
                 profile: str | None = None) -> dict[str, Any]:
    """按某种做法训练一个参考模型 ``epochs`` 轮，返回每轮耗时与准确率。"""
    import keras

    from adlk.datasets import load_mnist_for
    from adlk.models import BUILDERS
    from adlk.training import EpochTimer

    (x_train, y_train), (x_test, y_test) = load_mnist_for(model_kind, profile)
    keras.utils.set_random_seed(seed)
    model = BUILDERS[model_kind]()
    model.compile(loss="categorical_crossentropy", optimizer=OPTIMIZER[model_kind], metrics=["accuracy"],
                  **VARIANTS[variant])
    timer = EpochTimer()
    model.fit(x_train, y_train, epochs=epochs, batch_size=128, callbacks=[timer], verbose=0)
    _, acc = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    keras.backend.clear_session()
    steady = timer.seconds[1:] or timer.seconds
    return {"seconds_per_epoch": [round(s, 3) for s in timer.seconds],
            "steady_seconds_per_epoch": round(float(np.mean(steady)), 3), "test_accuracy": float(acc)}


def run_benchmark(models: list[str], epochs: int, out: Path | None, profile: str | None = None,
                  variants: list[str] | None = None) -> dict[str, Any]:
    """对每个模型依次运行各种做法（默认全部），打印对比表；``out`` 给出时把结果原子写入该文件。"""
    from adlk.experiments import provenance, write_json_atomic
    from adlk.profiles import get_profile
    from adlk.progress import Progress

    prof = get_profile(profile)
    chosen = ["book", *[v for v in (variants or VARIANTS) if v != "book"]]
    unknown = sorted(set(chosen) - set(VARIANTS))
    if unknown:
        raise ValueError(f"unknown variant(s) {', '.join(unknown)}; valid variants: {', '.join(VARIANTS)}")
    results: dict[str, Any] = {}
    start = time.perf_counter()
    runs = Progress([(kind, variant) for kind in models for variant in chosen], desc="bench",
                    label=lambda kv: f"{kv[0]} {kv[1]}, {epochs} epoch(s)")
    for kind, variant in runs:
        r = time_variant(kind, variant, epochs, profile=prof.name)
        results.setdefault(kind, {})[variant] = r
        runs.write(f"{kind:4s} {variant:10s} {r['steady_seconds_per_epoch']:7.2f} s/epoch  "
                   f"test acc {r['test_accuracy']:.4f}")
    print("\nratio = book s/epoch ÷ variant s/epoch (higher is faster)")
    for kind in models:
        base = results[kind]["book"]["steady_seconds_per_epoch"]
        ratios = "  ".join(f"{v}: {base / results[kind][v]['steady_seconds_per_epoch']:.2f}×" for v in chosen)
        print(f"{kind:4s} {ratios}")
    data = {"epochs": epochs, "variants": {v: VARIANTS[v] for v in chosen}, "results": results,
            "wall_seconds": round(time.perf_counter() - start, 1), "provenance": provenance(prof, 0)}
    if out is not None:
        write_json_atomic(out, data)
    return data


def render_benchmark(data: dict[str, Any] | None) -> str:
    """基准结果的 Markdown 表格（由结果文件生成）。"""
    if data is None:
        return "尚无基准记录：运行 `python -m adlk bench` 生成。\n"
    from adlk.report import provenance_line

    names = {"mlp": "MLP", "cnn": "CNN", "rnn": "SimpleRNN"}
    used = list(data["variants"])
    head = "| 模型 | " + " | ".join(f"`{v}` 秒/轮" for v in used) + " | " + \
        " | ".join(f"`{v}` 加速比" for v in used if v != "book") + " | 测试准确率（" + " / ".join(used) + "） |"
    lines = [head, "|" + "---|" * (2 * len(used) + 1)]
    kinds = sorted(data["results"], key=lambda k: list(names).index(k) if k in names else 99)
    for kind in kinds:
        res = data["results"][kind]
        base = res["book"]["steady_seconds_per_epoch"]
        secs = " | ".join(f"{res[v]['steady_seconds_per_epoch']:.2f}" for v in used)
        ratios = " | ".join(f"{base / res[v]['steady_seconds_per_epoch']:.2f}×" for v in used if v != "book")
        accs = " / ".join(f"{100 * res[v]['test_accuracy']:.2f}" for v in used)
        lines.append(f"| {names.get(kind, kind)} | {secs} | {ratios} | {accs} |")
    per_epoch = "；".join(
        f"{names.get(kind, kind)} `{v}` " + "、".join(f"{s:.1f}" for s in data["results"][kind][v]["seconds_per_epoch"])
        for kind in kinds for v in used)
    entry = {"provenance": data["provenance"], "metrics": {"wall_seconds": data["wall_seconds"]}}
    return "\n".join(lines) + f"\n\n每种做法训练 {data['epochs']} 轮，秒/轮为去掉第 1 轮（含编译）后的平均值。" + \
        f"逐轮秒数：{per_epoch}。" + provenance_line([entry]) + "\n"
