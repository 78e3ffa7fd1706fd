"""Where and how a run happened: profile, hardware, system, versions, date, seed and git commit."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from adlk.profiles import Profile


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), or what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


CPU_FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile")
"""The CPU features that decide how fast float32 and bfloat16 training can be."""


def cpu_flags() -> list[str]:
    """Which of :data:`CPU_FLAGS` the CPU has (``/proc/cpuinfo``; ``[]`` where it cannot be read)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                have = set(line.split(":", 1)[1].split())
                return [f for f in CPU_FLAGS if f in have]
    except OSError:
        pass
    return []


def machine_busy_seconds() -> float | None:
    """CPU seconds all programs on this machine have used since boot, summed over its cores (``/proc/stat``:
    user, nice, system, irq, softirq and steal; ``steal`` is time a virtual machine's host gave to others).

    The difference over a run, minus the run's own process CPU time, is what other programs took meanwhile.
    ``None`` where ``/proc/stat`` cannot be read.
    """
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def load_average() -> list[float] | None:
    """The 1-, 5- and 15-minute load averages now (``None`` where the system does not report them)."""
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


LOADED_SHARE = 0.25
"""A run is marked as recorded under load when other programs took more than this share of the machine's CPU
capacity (cores × wall time) while it ran."""


def others_share(timing: dict[str, Any], cores: int | None) -> float | None:
    """Share of the machine's CPU capacity that other programs used during a run (``None`` when not recorded)."""
    other = timing.get("others_cpu_seconds")
    wall = timing.get("wall_seconds")
    if other is None or not wall or not cores:
        return None
    return max(0.0, other) / (wall * cores)


def under_load(entry: dict[str, Any]) -> bool:
    """Whether a result was recorded while other programs competed for the CPU, so its time is inflated.

    Results that record what other programs used (``timing.others_cpu_seconds``) are judged by
    :data:`LOADED_SHARE`. Older results only have the load average at the end of the row, which includes the
    row's own training (up to one per core): they count as loaded when it exceeded twice the core count.
    """
    timing, prov = entry.get("timing", {}), entry.get("provenance", {})
    cores = prov.get("cpu_count")
    share = others_share(timing, cores)
    if share is not None:
        return share > LOADED_SHARE
    load = timing.get("load_average_end") or prov.get("load_average")
    return bool(load and cores and load[0] > 2 * cores)


def backend_sees_gpu() -> bool:
    """Whether Keras's backend sees a GPU."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    if backend == "jax":
        import jax

        return any(d.platform == "gpu" for d in jax.devices())
    if backend == "torch":
        import torch

        return bool(torch.cuda.is_available())
    return False


def gpus() -> list[dict[str, str]]:
    """Model, driver and memory of each GPU the backend sees (``nvidia-smi``); ``[]`` on CPU."""
    if not backend_sees_gpu():
        return []
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return [{"name": "unknown GPU (nvidia-smi unavailable)"}]
    found = []
    for line in filter(None, out.splitlines()):
        name, driver, memory = (part.strip() for part in line.split(",", 2))
        found.append({"name": name, "driver": driver, "memory": memory})
    return found


def framework_versions() -> dict[str, str | None]:
    """The backend framework's version and the CUDA/cuDNN it was built with (when known)."""
    import keras

    backend = keras.backend.backend()
    info: dict[str, str | None] = {"framework": backend}
    if backend == "tensorflow":
        import tensorflow as tf

        build = tf.sysconfig.get_build_info()
        info.update(tensorflow=tf.__version__, cuda_build=build.get("cuda_version"),
                    cudnn_build=build.get("cudnn_version"))
    elif backend == "jax":
        import jax

        info.update(jax=jax.__version__)
    elif backend == "torch":
        import torch

        info.update(torch=torch.__version__, cuda_build=torch.version.cuda)
    return info


def versions_for_key() -> list[str]:
    """The versions that make a result stale when they change (framework and Keras)."""
    import keras

    info = framework_versions()
    backend = info["framework"]
    if backend == "tensorflow":
        return [str(info["tensorflow"]), keras.__version__]
    return [str(backend), str(info.get(str(backend))), keras.__version__]


def git_commit() -> str | None:
    """The commit of the checkout ``adlk`` runs from, or ``None``."""
    try:
        root = Path(__file__).resolve().parent.parent.parent
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=10, check=True)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def device() -> str:
    """``"gpu"`` when the backend sees a GPU, else ``"cpu"``: the results folder a run writes to."""
    return "gpu" if gpus() else "cpu"


def provenance(profile: Profile, seed: int) -> dict[str, Any]:
    """Everything about this run's circumstances, for its result file."""
    import keras
    import numpy

    found = gpus()
    return {
        "profile": profile.name,
        "seed": seed,
        "device": "gpu" if found else "cpu",
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpu_flags": cpu_flags(),
        "gpus": found,
        "os": platform.platform(),
        "python": platform.python_version(),
        **framework_versions(),
        "keras": keras.__version__,
        "numpy": numpy.__version__,
        "backend": keras.backend.backend(),
        "dtype_policy": keras.config.dtype_policy().name,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        # load average over 1/5/15 minutes: timings are inflated when other programs run
        "load_average": load_average(),
    }


def _hardware(prov: dict[str, Any]) -> str:
    if prov.get("gpus"):
        gpu = prov["gpus"][0]
        extra = f"，驱动 {gpu['driver']}" if gpu.get("driver") else ""
        return f"GPU {gpu['name']}{extra}（CPU {prov['cpu']}）"
    return f"CPU {prov['cpu']}（{prov['cpu_count']} 核）"


def _framework(prov: dict[str, Any]) -> str:
    backend = prov.get("backend", "tensorflow")
    name = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}.get(backend, backend)
    return f"{name} {prov.get(backend, '?')}"


def hardware_text(prov: dict[str, Any]) -> str:
    """The hardware of a provenance record, in Chinese (``CPU …（2 核）``)."""
    return _hardware(prov)


def framework_text(prov: dict[str, Any]) -> str:
    """``TensorFlow 2.21.0`` (or the JAX / PyTorch version) of a provenance record."""
    return _framework(prov)


def timed_epochs(entry: dict[str, Any]) -> int | None:
    """How many epochs a result's timing covers, when that is fewer than it trained (a row finished from a
    checkpoint before checkpoints carried time: the epochs before the resume were not timed); ``None`` when the
    timing covers the whole run."""
    timing = entry.get("timing", {})
    if "parts" in timing and not timing.get("earlier_parts_untimed"):
        return None  # the runner added up the time of every part
    per_epoch = timing.get("seconds_per_epoch")
    epochs = entry.get("counts", {}).get("epochs")
    if per_epoch is None or epochs is None or len(per_epoch) >= epochs:
        return None
    return len(per_epoch)


def provenance_line(entries: list[dict[str, Any]]) -> str:
    """One Chinese sentence on where a group of results came from (profile, hardware, versions, dates, time)."""
    provs = [e["provenance"] for e in entries]
    dates = sorted(p["date"][:10] for p in provs)
    first = provs[0]
    versions = sorted({f"{_framework(p)} / Keras {p['keras']}" for p in provs})
    commits = sorted({(p.get("git_commit") or "unknown")[:7] for p in provs})
    seeds = sorted({s for e in entries for s in e.get("run", {}).get("seeds", [e["provenance"].get("seed", 0)])})
    policies = sorted({p.get("dtype_policy", "float32") for p in provs})
    wall = sum(e.get("timing", e.get("metrics", {})).get("wall_seconds", 0.0) for e in entries)
    span = dates[0] if dates[0] == dates[-1] else f"{dates[0]} 至 {dates[-1]}"
    cpu_times = [e.get("timing", {}).get("cpu_seconds") for e in entries]
    cpu_text = f"（进程 CPU 时间 {sum(cpu_times) / 60:.1f} 分钟）" if all(t is not None for t in cpu_times) else ""
    seed_text = f"随机种子 {'、'.join(map(str, seeds))}"
    policy_text = "" if policies == ["float32"] else f"，精度策略 {'、'.join(policies)}"
    return (
        f"数据来源：`{first['profile']}` 档位，{'、'.join(sorted({_hardware(p) for p in provs}))}，"
        f"{'、'.join(sorted({p['os'] for p in provs}))}，"
        f"Python {'、'.join(sorted({p['python'] for p in provs}))}，{'、'.join(versions)}{policy_text}，{seed_text}，"
        f"运行日期 {span}，代码提交 {'、'.join(commits)}，这些行合计耗时 {wall / 60:.1f} 分钟{cpu_text}"
        + ("（从检查点续跑的行只计续跑之后的部分）。" if any(timed_epochs(e) for e in entries) else "。")
    )
