"""速度基准：同一个模型、同样的轮数，按书中的写法训练和按本站运行器的设置训练，在同一次运行里对比。

这是基准脚本，不是测试：``python -m adlk bench ch01`` 打印每轮秒数与比值，并把结果写进
``docs/results/bench/<device>.json``（原子写入，带来历），运行速度页由它生成。

比较的几种做法（结果应当相同，只比速度）：

- ``book``：书中脚本的写法，``compile(optimizer="adam")`` 后直接 ``fit``，其余全用默认值；
- ``spe16``：每次调用编译后的函数执行 16 步（``steps_per_execution=16``），即本站运行器的默认设置；
- ``spe16+xla``：在此之上再用 XLA 编译（``jit_compile=True``；CPU 上 Keras 默认不开）；
- ``spe16+bf16``：在 ``spe16`` 之上用 ``mixed_bfloat16`` 精度策略（计算用 bfloat16，权重仍是 float32；
  这台机器的 CPU 支持 AVX-512 BF16）。精度策略会改变数值，所以同时比较准确率。

``python -m adlk bench ch01 [--models mlp cnn] [--variants spe16 spe16+bf16] [--epochs 3]``。
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
    "spe16+bf16": {"steps_per_execution": 16, "jit_compile": "auto", "policy": "mixed_bfloat16"},
}
OPTIMIZER = {"mlp": "adam", "cnn": "adam", "rnn": "sgd"}


def time_variant(model_kind: str, variant: str, epochs: int, seed: int = 0,
                 profile: str | None = None, train_limit: int | None = None) -> dict[str, Any]:
    """按某种做法训练一个参考模型 ``epochs`` 轮，返回每轮耗时与准确率。"""
    import keras

    from adlk.ch01.data import load_mnist_for
    from adlk.ch01.models import BUILDERS
    from adlk.training import EpochTimer

    (x_train, y_train), (x_test, y_test) = load_mnist_for(model_kind, profile)
    if train_limit is not None:
        x_train, y_train = x_train[:train_limit], y_train[:train_limit]
    settings = dict(VARIANTS[variant])
    keras.config.set_dtype_policy(settings.pop("policy", "float32"))
    try:
        keras.utils.set_random_seed(seed)
        model = BUILDERS[model_kind]()
        model.compile(loss="categorical_crossentropy", optimizer=OPTIMIZER[model_kind], metrics=["accuracy"],
                      **settings)
        timer = EpochTimer()
        model.fit(x_train, y_train, epochs=epochs, batch_size=128, callbacks=[timer], verbose=0)
        _, acc = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    finally:
        keras.config.set_dtype_policy("float32")
        keras.backend.clear_session()
    steady = timer.seconds[1:] or timer.seconds
    return {"seconds_per_epoch": [round(s, 3) for s in timer.seconds],
            "steady_seconds_per_epoch": round(float(np.mean(steady)), 3), "test_accuracy": float(acc)}


def run_benchmark(models: list[str], epochs: int, out: Path | None, profile: str | None = None,
                  variants: list[str] | None = None, repeats: int = 1,
                  train_limit: int | None = None) -> dict[str, Any]:
    """对每个模型运行各种做法，打印与第一种做法（基准）的速度比；``out`` 给出时把结果原子写入该文件。

    Args:
        models: ``mlp``、``cnn``、``rnn`` 中的若干个。
        epochs: 每次训练的轮数（第 1 轮含编译，不计入秒/轮）。
        out: 结果文件；``None`` 只打印。
        profile: 档位。
        variants: 要比较的做法，第一个是基准；省略时为 ``book`` 加其余全部。
        repeats: 每种做法重复几次；重复时交替顺序（A B、B A……），秒/轮取各次的中位数，
            以减小机器负载随时间变化的影响。
        train_limit: 只用前这么多张训练图（测试集不变），让慢的做法也能在几分钟内测完。

    Raises:
        ValueError: 做法名无效；消息里列出有效值。
    """
    from adlk.profiles import get_profile
    from adlk.progress import Progress
    from adlk.runs.provenance import provenance
    from adlk.runs.results import write_json_atomic

    prof = get_profile(profile)
    chosen = list(variants) if variants else ["book", *[v for v in VARIANTS if v != "book"]]
    unknown = sorted(set(chosen) - set(VARIANTS))
    if unknown:
        raise ValueError(f"unknown variant(s) {', '.join(unknown)}; valid variants: {', '.join(VARIANTS)}")
    base_name = chosen[0]
    order = [(kind, variant, r) for kind in models for r in range(repeats)
             for variant in (chosen if r % 2 == 0 else chosen[::-1])]
    results: dict[str, Any] = {}
    start = time.perf_counter()
    runs = Progress(order, desc="bench", label=lambda kv: f"{kv[0]} {kv[1]} (repeat {kv[2] + 1}), {epochs} epoch(s)")
    for kind, variant, _ in runs:
        r = time_variant(kind, variant, epochs, profile=prof.name, train_limit=train_limit)
        entry = results.setdefault(kind, {}).setdefault(variant, {"seconds_per_epoch": [], "repeat_steady": [],
                                                                  "test_accuracy": r["test_accuracy"]})
        entry["seconds_per_epoch"] += r["seconds_per_epoch"]
        entry["repeat_steady"].append(r["steady_seconds_per_epoch"])
        entry["steady_seconds_per_epoch"] = round(float(np.median(entry["repeat_steady"])), 3)
        runs.write(f"{kind:4s} {variant:10s} {r['steady_seconds_per_epoch']:7.2f} s/epoch  "
                   f"test acc {r['test_accuracy']:.4f}")
    print(f"\nratio = {base_name} s/epoch ÷ variant s/epoch (higher is faster)")
    for kind in models:
        base = results[kind][base_name]["steady_seconds_per_epoch"]
        ratios = "  ".join(f"{v}: {base / results[kind][v]['steady_seconds_per_epoch']:.2f}×" for v in chosen)
        print(f"{kind:4s} {ratios}")
    data = {"epochs": epochs, "repeats": repeats, "baseline": base_name, "train_limit": train_limit,
            "variants": {v: VARIANTS[v] for v in chosen}, "results": results,
            "wall_seconds": round(time.perf_counter() - start, 1), "provenance": provenance(prof, 0)}
    if out is not None:
        write_json_atomic(out, data)
    return data


def render_benchmark(data: dict[str, Any] | None) -> str:
    """基准结果的 Markdown 表格（由结果文件生成）。"""
    if data is None:
        return ("这一项还没有测过：在这类设备上运行 `python -m adlk bench ch01`（结果写入 `docs/results/bench/`），"
                "再运行 `python -m adlk generate`，这里就会出现由结果文件生成的表格。\n")
    from adlk.runs.provenance import provenance_line

    names = {"mlp": "MLP", "cnn": "CNN", "rnn": "SimpleRNN"}
    baseline = data.get("baseline", "book")
    used = [baseline, *[v for v in data["variants"] if v != baseline]]
    head = "| 模型 | " + " | ".join(f"`{v}` 秒/轮" for v in used) + " | " + \
        " | ".join(f"`{v}` 加速比" for v in used if v != baseline) + " | 测试准确率（" + " / ".join(used) + "） |"
    lines = [head, "|" + "---|" * (2 * len(used) + 1)]
    kinds = sorted(data["results"], key=lambda k: list(names).index(k) if k in names else 99)
    for kind in kinds:
        res = data["results"][kind]
        base = res[baseline]["steady_seconds_per_epoch"]
        secs = " | ".join(f"{res[v]['steady_seconds_per_epoch']:.2f}" for v in used)
        ratios = " | ".join(f"{base / res[v]['steady_seconds_per_epoch']:.2f}×" for v in used if v != baseline)
        accs = " / ".join(f"{100 * res[v]['test_accuracy']:.2f}" for v in used)
        lines.append(f"| {names.get(kind, kind)} | {secs} | {ratios} | {accs} |")
    per_epoch = "；".join(
        f"{names.get(kind, kind)} `{v}` " + "、".join(f"{s:.1f}" for s in data["results"][kind][v]["seconds_per_epoch"])
        for kind in kinds for v in used)
    entry = {"provenance": data["provenance"], "metrics": {"wall_seconds": data["wall_seconds"]}}
    repeats = data.get("repeats", 1)
    limit = f"只用前 {data['train_limit']:,} 张训练图，" if data.get("train_limit") else ""
    how = limit + (f"每种做法训练 {data['epochs']} 轮，秒/轮为去掉第 1 轮（含编译）后的平均值。" if repeats == 1 else
           f"每种做法训练 {repeats} 次、每次 {data['epochs']} 轮，次序交替（先 A 后 B，再先 B 后 A），"
           "秒/轮取各次平均值（去掉每次的第 1 轮）的中位数。")
    flags = data["provenance"].get("cpu_flags")
    isa = ""
    if flags is not None:
        from adlk.runs.provenance import CPU_FLAGS

        missing = [f for f in CPU_FLAGS if f not in flags]
        isa = (f"这颗 CPU 支持的相关指令集：{'、'.join(flags) or '（无）'}"
               + (f"；不支持：{'、'.join(missing)}" if missing else "") + "。")
    return "\n".join(lines) + f"\n\n{how}逐轮秒数：{per_epoch}。{isa}" + provenance_line([entry]) + "\n"


def main(argv: list[str]) -> int:
    """``python -m adlk bench ch01 …`` 的入口：运行基准并写出结果文件。"""
    import argparse

    from adlk.profiles import get_profile
    from adlk.runs.provenance import provenance
    from adlk.site.figures import DOCS

    parser = argparse.ArgumentParser(prog="python -m adlk bench ch01", description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", default=["mlp", "cnn", "rnn"], choices=["mlp", "cnn", "rnn"])
    parser.add_argument("--epochs", type=int, default=3, help="epochs per variant (default 3)")
    parser.add_argument("--profile", default=None, help="full or smoke (default: $ADLK_PROFILE or full)")
    parser.add_argument("--out", default=None, help="result file (default docs/results/bench/<cpu|gpu>.json)")
    parser.add_argument("--no-save", action="store_true", help="print only, write no result file")
    parser.add_argument("--variants", nargs="*", default=None,
                        help=", ".join(VARIANTS) + " (default all; the first is the baseline of the ratios)")
    parser.add_argument("--repeats", type=int, default=1, help="runs per variant, in alternating order (default 1)")
    parser.add_argument("--train-limit", type=int, default=None, help="use only the first N training images")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else None
    if out is None and not args.no_save:
        out = DOCS / "results" / "bench" / f"{provenance(get_profile(args.profile), 0)['device']}.json"
    run_benchmark(args.models, args.epochs, out, profile=args.profile, variants=args.variants, repeats=args.repeats,
                  train_limit=args.train_limit)
    if out:
        print(f"[adlk] benchmark written to {out}")
    return 0
