"""What a task function gets besides its row: the profile, the seed, artifacts, checkpoints, a deadline.

A task has the signature ``task(run: Run, ctx: RunContext) -> TaskResult``. Through ``ctx`` it

- saves small artifacts next to the result file (:meth:`RunContext.save_npz`, :meth:`RunContext.artifact_path`);
- checkpoints long loops and resumes them (:meth:`RunContext.restore`, :meth:`RunContext.checkpoint`);
- reseeds deterministically at chunk boundaries (:meth:`RunContext.reseed`), so that a resumed run draws the
  same random numbers as an uninterrupted one;
- learns when the runner's time budget is used (:meth:`RunContext.out_of_time`) and then stops with
  :class:`RunDeferred` after a checkpoint; the next ``reproduce`` continues from it.

Checkpoints live outside ``docs/`` (``.cache/adlk/checkpoints/…`` under the repository, or ``$ADLK_CHECKPOINTS``),
are written atomically, and carry the run's validity key: a checkpoint of different code or settings is ignored.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from adlk.profiles import Profile
from adlk.runs.provenance import machine_busy_seconds

CHECKPOINT_ENV = "ADLK_CHECKPOINTS"
DEFAULT_EVERY_SECONDS = 120.0
"""Checkpoint at most this often (the issue's "at least every few minutes")."""


class RunDeferred(Exception):
    """Raised by a task that stopped at a checkpoint because the time budget was used."""


class CheckpointError(RuntimeError):
    """A checkpoint exists but cannot be read."""


def checkpoint_root() -> Path:
    """``$ADLK_CHECKPOINTS`` or ``<repository>/.cache/adlk/checkpoints``."""
    env = os.environ.get(CHECKPOINT_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / ".cache" / "adlk" / "checkpoints"


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A compressed ``.npz`` in memory, with fixed timestamps so the same arrays give the same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            one = io.BytesIO()
            np.lib.format.write_array(one, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, one.getvalue())
    return buf.getvalue()


def keras_state(*objects: Any) -> list[np.ndarray]:
    """The values of every variable of the given models and optimizers, in a fixed order."""
    values = []
    for obj in objects:
        values += [np.array(v.numpy() if hasattr(v, "numpy") else v) for v in obj.variables]
    return values


def load_keras_state(values: list[np.ndarray], *objects: Any) -> None:
    """Assign values saved by :func:`keras_state` (the same objects, built the same way)."""
    variables = [v for obj in objects for v in obj.variables]
    if len(variables) != len(values):
        raise CheckpointError(f"checkpoint has {len(values)} arrays but the objects have {len(variables)} "
                              "variables; build the models and optimizers before restoring")
    for var, value in zip(variables, values):
        var.assign(value)


@dataclass
class RunContext:
    """Per-seed context handed to a task by the runner (or built by hand in a test or a page).

    Attributes:
        profile: the run profile.
        seed: this run's seed.
        artifact_dir: folder for artifacts (the result file's folder); ``None`` keeps them in memory only.
        stem: file stem of the row (``row03``); artifacts are named ``<stem>-<name>.npz`` (``-s<seed>`` added
            for rows with several seeds).
        key: validity key of the row; checkpoints of another key are ignored.
        checkpoint_dir: this seed's checkpoint folder; ``None`` disables checkpoints.
        deadline: ``time.monotonic()`` value after which :meth:`out_of_time` is true.
        every_seconds: minimum time between two checkpoints.
        verbose: Keras ``verbose`` for ``fit``; ``None`` lets the task choose.
    """

    profile: Profile
    seed: int = 0
    artifact_dir: Path | None = None
    stem: str = "run"
    key: str = ""
    checkpoint_dir: Path | None = None
    deadline: float | None = None
    every_seconds: float = DEFAULT_EVERY_SECONDS
    verbose: int | str | None = None
    artifacts: dict[str, str] = field(default_factory=dict)
    prior_timing: dict[str, Any] = field(default_factory=dict)
    _last_save: float = field(default_factory=time.monotonic)
    _part_wall: float = field(default_factory=time.perf_counter)
    _part_cpu: float = field(default_factory=time.process_time)
    _part_busy: float | None = field(default_factory=machine_busy_seconds)

    # ------------------------------------------------------------ randomness

    def reseed(self, step: int = 0) -> int:
        """Seed Python, NumPy and the backend from ``(seed, step)``; returns the derived seed.

        Call it at the start of every chunk of a long loop (and nowhere in between): a run resumed at a
        chunk boundary then draws exactly the random numbers an uninterrupted run draws.
        """
        import keras

        derived = int.from_bytes(hashlib.sha256(f"{self.seed}:{step}".encode()).digest()[:4], "little") % (2**31)
        keras.utils.set_random_seed(derived)
        return derived

    def rng(self, step: int = 0) -> np.random.Generator:
        """A NumPy generator determined by ``(seed, step)`` (for sampling batches, noise, exploration)."""
        return np.random.default_rng([self.seed, step])

    # ------------------------------------------------------------ artifacts

    def artifact_path(self, name: str, suffix: str = ".npz") -> Path | None:
        """Path for artifact ``name`` (``None`` when artifacts are not kept); records it in the result."""
        if self.artifact_dir is None:
            return None
        filename = f"{self.stem}-{name}{suffix}"
        self.artifacts[name] = filename
        self.artifact_dir.mkdir(parents=True, exist_ok=True)
        return self.artifact_dir / filename

    def save_npz(self, name: str, **arrays: np.ndarray) -> Path | None:
        """Save a small ``.npz`` artifact atomically (keep it small: uint8 samples, float16 curves)."""
        path = self.artifact_path(name)
        if path is not None:
            write_bytes_atomic(path, npz_bytes(arrays))
        return path

    # ------------------------------------------------------------ timing

    def elapsed(self) -> dict[str, Any]:
        """Time spent on this run so far: earlier parts (before a resume) plus this process's part.

        ``wall_seconds`` is wall-clock time, ``cpu_seconds`` the process's CPU time (user + system, all threads);
        ``parts`` counts the processes the run was spread over. A checkpoint stores this, so a resumed run's
        time covers all of its training, not only the part after the resume.
        """
        prior = self.prior_timing
        out = {"wall_seconds": prior.get("wall_seconds", 0.0) + time.perf_counter() - self._part_wall,
               "cpu_seconds": prior.get("cpu_seconds", 0.0) + time.process_time() - self._part_cpu,
               "parts": prior.get("parts", 0) + 1}
        busy = machine_busy_seconds()
        if busy is not None and self._part_busy is not None:
            own = time.process_time() - self._part_cpu
            out["others_cpu_seconds"] = prior.get("others_cpu_seconds", 0.0) + max(0.0, busy - self._part_busy - own)
        if prior.get("unknown"):
            out["unknown"] = True
        return out

    def read_prior_timing(self) -> dict[str, Any]:
        """The time stored with this run's checkpoint (``{}`` when there is none, or it is of another key).

        A checkpoint written before checkpoints carried time gives ``{"unknown": True}``: the earlier parts'
        time was not recorded.
        """
        if self.checkpoint_dir is None:
            return {}
        try:
            meta = json.loads((self.checkpoint_dir / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if meta.get("key") != self.key:
            return {}
        return dict(meta.get("timing") or {"unknown": True})

    # ------------------------------------------------------------ checkpoints

    def restore(self) -> tuple[dict[str, Any], list[np.ndarray]] | None:
        """The last checkpoint of this run as ``(state, arrays)``, or ``None`` when there is none.

        ``state`` is the JSON-able dict given to :meth:`checkpoint` (step, history, …); ``arrays`` the list of
        arrays (see :func:`keras_state`). A checkpoint written for another key is ignored and removed.

        Raises:
            CheckpointError: the checkpoint is damaged; the message says which folder to delete.
        """
        if self.checkpoint_dir is None:
            return None
        meta = self.checkpoint_dir / "state.json"
        if not meta.is_file():
            return None
        try:
            state = json.loads(meta.read_text(encoding="utf-8"))
            if state.get("key") != self.key:
                shutil.rmtree(self.checkpoint_dir, ignore_errors=True)
                return None
            with np.load(self.checkpoint_dir / state["arrays"]) as f:
                arrays = [f[f"a{i:04d}"] for i in range(state["n_arrays"])]
        except (OSError, ValueError, KeyError, json.JSONDecodeError, zipfile.BadZipFile) as exc:
            raise CheckpointError(f"checkpoint in {self.checkpoint_dir} is damaged ({exc!r}); delete that folder "
                                  "to start the run from the beginning") from exc
        return state["state"], arrays

    def checkpoint(self, state: dict[str, Any], arrays: list[np.ndarray], force: bool = False) -> bool:
        """Save a checkpoint if ``every_seconds`` have passed since the last one (or ``force``).

        The arrays go to a new file first, then the state file that names them replaces the old one, each
        atomically: an interrupt at any moment leaves the previous complete checkpoint or the new one. Returns whether it saved.
        """
        if self.checkpoint_dir is None:
            return False
        if not force and time.monotonic() - self._last_save < self.every_seconds:
            return False
        named = {f"a{i:04d}": a for i, a in enumerate(arrays)}
        buf = io.BytesIO()
        np.savez(buf, **named)
        # new arrays under a new name, then the state file that names them, then drop the old arrays
        name = f"arrays-{time.time_ns()}.npz"
        write_bytes_atomic(self.checkpoint_dir / name, buf.getvalue())
        meta = {"key": self.key, "n_arrays": len(arrays), "arrays": name, "state": state, "saved": time.time(),
                "timing": self.elapsed()}
        write_bytes_atomic(self.checkpoint_dir / "state.json",
                           json.dumps(meta, ensure_ascii=False, sort_keys=True).encode())
        for old in self.checkpoint_dir.glob("arrays-*.npz"):
            if old.name != name:
                old.unlink(missing_ok=True)
        self._last_save = time.monotonic()
        return True

    def clear_checkpoint(self) -> None:
        """Remove this run's checkpoint (the runner does it once the result file is written)."""
        if self.checkpoint_dir is not None:
            shutil.rmtree(self.checkpoint_dir, ignore_errors=True)

    def out_of_time(self) -> bool:
        """Whether the runner's time budget is used up (a task then checkpoints and raises :class:`RunDeferred`)."""
        return self.deadline is not None and time.monotonic() > self.deadline
