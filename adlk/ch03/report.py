"""第 3 章页面经 ``--8<--`` 引入的片段：由记录运行的结果文件生成，页面上不手写任何测得的数。

- ``ch03/denoise-summary.md``：三种做法在同一批加噪测试图上的误差（什么都不做、3.2 节的普通自编码器、
  去噪自编码器）；
- ``ch03/latent-range.md``：2 维潜在编码的取值范围，以及落在书中 [-4, 4] 方框里的比例；
- ``ch03/colorize-summary.md``：着色结果的总结（两种损失各自颜色选对的比例、与“原样输出灰度”的比较）。
"""

from __future__ import annotations

from typing import Any

from adlk.site.report import ReportContext, Snippet

MISSING = "（尚无记录：运行 `python -m adlk reproduce {target}` 后重新生成本页。）\n"


def _metric(data: dict[str, Any], key: str) -> float:
    return float(data["metrics"][key])


def denoise_summary(dae: dict[str, Any] | None, ae: dict[str, Any] | None, two: dict[str, Any] | None = None) -> str:
    """加噪测试图（σ = 0.5、0.75、1.0）上几种做法的 MSE 与 PSNR（2 维自编码器有记录时也列出）。"""
    if dae is None or ae is None:
        return MISSING.format(target="ch03/denoise 与 ch03/ae --only 16")
    head = "| 做法 | σ = 0.5 MSE | PSNR（dB） | σ = 0.75 MSE | PSNR（dB） | σ = 1.0 MSE | PSNR（dB） |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    rows = [("什么都不做：直接拿加噪图像当结果", dae, "input_noise"),
            (f"普通自编码器（3.2 节，16 维，干净图像上训练 {ae['counts']['epochs']} 轮）", ae, "noisy")]
    if two is not None:
        rows.append((f"普通自编码器（3.3 节，2 维，干净图像上训练 {two['counts']['epochs']} 轮）", two, "noisy"))
    rows.append((f"去噪自编码器（16 维，加噪图像上训练 {dae['counts']['epochs']} 轮）", dae, "noisy"))
    for title, data, prefix in rows:
        cells = [title]
        for suffix in ("", "_075", "_100"):
            mse = _metric(data, f"{prefix}_mse{suffix}")
            db = _metric(data, f"{prefix}_psnr{suffix}")
            cells += [f"{mse:.4f}", f"{db:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    ratio = _metric(ae, "noisy_mse") / _metric(dae, "noisy_mse")
    text = "\n".join(lines) + "\n\n"
    text += (f"σ = 0.5 时，去噪自编码器的误差是普通自编码器的 1/{ratio:.0f}；两者都在同一批加噪测试图上评估，"
             f"目标都是干净的原图。去噪自编码器在干净输入上的误差是 {_metric(dae, 'test_mse'):.4f}，"
             f"普通自编码器是 {_metric(ae, 'test_mse'):.4f}。\n")
    return text


def latent_range(two: dict[str, Any] | None, sixteen: dict[str, Any] | None) -> str:
    """2 维潜在编码的范围与 2 维、16 维的重建误差之比。"""
    if two is None:
        return MISSING.format(target="ch03/ae --only 2")
    r = two["extra"]["latent_range"]
    inside = two["extra"]["fraction_inside_book_box"]
    text = (f"本站记录的 2 维自编码器，测试集编码的 $z_0$ 在 {r['min'][0]:.1f}～{r['max'][0]:.1f} 之间，"
            f"$z_1$ 在 {r['min'][1]:.1f}～{r['max'][1]:.1f} 之间（1%～99% 分位数分别是 "
            f"{r['p01'][0]:.1f}～{r['p99'][0]:.1f} 和 {r['p01'][1]:.1f}～{r['p99'][1]:.1f}），"
            f"落在书中 $[-4, 4] \\times [-4, 4]$ 方框里的占 {100 * inside:.1f}%。")
    if sixteen is not None:
        ratio = _metric(two, "test_mse") / _metric(sixteen, "test_mse")
        text += (f"它的测试 MSE 是 {_metric(two, 'test_mse'):.4f}，约为 16 维自编码器"
                 f"（{_metric(sixteen, 'test_mse'):.4f}）的 {ratio:.1f} 倍，尽管它训练了 {two['counts']['epochs']} 轮"
                 f"而不是 {sixteen['counts']['epochs']} 轮。")
    return text + "\n"


def black_baseline_mse() -> float:
    """按类别着色的 MNIST 测试集上，输出一张全黑图像（全 0）的 MSE：由数据算出，不需要训练。"""
    import numpy as np

    from adlk.ch03.data import load_colored_mnist

    (_, _), (x_test, _) = load_colored_mnist("full")
    return float(np.mean((x_test.astype("float64") / 255) ** 2))


def colorize_summary(mse_row: dict[str, Any] | None, bce_row: dict[str, Any] | None,
                     black: float | None = None) -> str:
    """着色结果：两种损失各自的颜色选对比例与测试 MSE，与“原样输出灰度”“输出全黑”两个参照比较。"""
    rows = [(name, data) for name, data in (("书中的 MSE 损失", mse_row), ("二元交叉熵", bce_row)) if data]
    if not rows:
        return MISSING.format(target="ch03/colorize")
    black = black_baseline_mse() if black is None else black
    first = rows[0][1]
    gray = _metric(first, "gray_mse")
    text = (f"模型有 {first['counts']['parameters']:,} 个参数。两行都训练了 {first['counts']['epochs']} 轮、{first['counts']['train_samples']:,} 张图，"
            f"在 {first['counts']['test_samples']:,} 张测试图上评估。两个不需要训练的参照：把灰度图原样复制到三个通道"
            f"当作输出，MSE 是 {gray:.4f}；输出一张全黑的图，MSE 是 {black:.4f}。\n\n")
    for name, data in rows:
        mse = _metric(data, "test_mse")
        text += (f"- {name}：测试 MSE {mse:.4f}，"
                 f"给 {100 * _metric(data, 'color_accuracy'):.1f}% 的数字涂上了正确类别的颜色（随便猜是 10%）")
        if mse > gray:
            text += "；误差高于原样输出灰度图" + ("，与输出全黑相差无几" if mse > 0.8 * black else "")
        text += "。\n"
    return text
def snippets(ctx: ReportContext) -> dict[str, Snippet | str]:
    """第 3 章页面引入的全部片段。"""
    dae, ae = ctx.result("ch03/denoise", "dae"), ctx.result("ch03/ae", "16")
    two, sixteen = ctx.result("ch03/ae", "2"), ae
    color = {row: ctx.result("ch03/colorize", row) for row in ("mse", "bce")}
    return {
        "ch03/denoise-summary.md": Snippet(denoise_summary(dae, ae, two),
                                           [(t, r) for t, r, d in (("ch03/denoise", "dae", dae), ("ch03/ae", "16", ae),
                                                                   ("ch03/ae", "2", two)) if d]),
        "ch03/latent-range.md": Snippet(latent_range(two, sixteen),
                                        [("ch03/ae", r) for r, d in (("2", two), ("16", sixteen)) if d]),
        "ch03/colorize-summary.md": Snippet(colorize_summary(color["mse"], color["bce"]),
                                            [("ch03/colorize", r) for r, d in color.items() if d]),
    }
