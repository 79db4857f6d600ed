"""Helpers for the W&B reader tests: isolated offline runs, and a hand-made log writer."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

BLOCK_SIZE = 32 * 1024
CHUNK_HEADER = struct.Struct("<IHB")
LOG_HEADER = b":W&B" + struct.pack("<HB", 0xBEE1, 0)
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4


# --- a LevelDB-log writer, written from the format description, independent of the reader ---


def crc(chunk_type: int, payload: bytes) -> int:
    return zlib.crc32(payload, zlib.crc32(bytes([chunk_type])))


def chunk(chunk_type: int, payload: bytes) -> bytes:
    return CHUNK_HEADER.pack(crc(chunk_type, payload), len(payload), chunk_type) + payload


def encode_log(payloads: list[bytes]) -> bytes:
    """A whole ``.wandb`` file holding ``payloads`` as records, split and padded like wandb."""
    out = bytearray(LOG_HEADER)
    for payload in payloads:
        rest, first = payload, True
        while True:
            left = BLOCK_SIZE - len(out) % BLOCK_SIZE
            if left < CHUNK_HEADER.size:
                out += b"\0" * left
                left = BLOCK_SIZE
            piece, rest = rest[: left - CHUNK_HEADER.size], rest[left - CHUNK_HEADER.size :]
            last = not rest
            kind = FULL if first and last else FIRST if first else LAST if last else MIDDLE
            out += chunk(kind, piece)
            first = False
            if last:
                break
    return bytes(out)


@dataclass(frozen=True)
class Chunk:
    offset: int
    type: int
    length: int


def list_chunks(data: bytes) -> list[Chunk]:
    """Chunks of an undamaged log, to aim damage at a chosen chunk."""
    chunks, pos = [], len(LOG_HEADER)
    while pos + CHUNK_HEADER.size <= len(data):
        left = BLOCK_SIZE - pos % BLOCK_SIZE
        if left < CHUNK_HEADER.size:
            pos += left
            continue
        _, length, kind = CHUNK_HEADER.unpack_from(data, pos)
        chunks.append(Chunk(pos, kind, length))
        pos += CHUNK_HEADER.size + length
    return chunks


# --- real offline runs ----------------------------------------------------------------------

MAIN_SCRIPT = """
import numpy as np
import wandb

# Run 1: scalars, config in init and later, explicit steps, a record > 32 KiB.
run = wandb.init(
    project="scalars",
    job_type="train",
    name="scalar-run",
    config={"lr": 0.01, "epochs": 3, "optim": {"name": "adam"}, "user_dict": {"value": 5}},
)
wandb.config.update({"batch_size": 64, "big": "x" * 100_000})
wandb.config.update({"lr": 0.02}, allow_val_change=True)
for step in range(3):
    run.log({"loss": 1.5 / (step + 1), "train/acc": 0.5 + 0.125 * step})
run.log({"loss": 0.25, "val": {"loss": 0.5}}, step=10)
run.summary["best_acc"] = 0.875
run.finish()

# Run 2: media and an artifact.
run = wandb.init(project="media", job_type="eval")
gray = np.arange(28 * 28, dtype=np.uint8).reshape(28, 28)
run.log({"sample": wandb.Image(gray, caption="one")})
run.log({"batch": [wandb.Image(gray // (k + 1)) for k in range(3)]})
run.log({"weights": wandb.Histogram(np.linspace(-1.0, 1.0, 101))})
with open("model.pt", "wb") as f:
    f.write(MODEL_BYTES)
artifact = wandb.Artifact("corrupt_mnist_model", type="model", metadata={"accuracy": 0.93})
artifact.add_file("model.pt")
run.log_artifact(artifact, aliases=["best"])
run.finish()
"""

CRASH_SCRIPT = """
import wandb
run = wandb.init(project="crash")
for step in range(3):
    run.log({"loss": float(step)})
raise RuntimeError("student bug")
"""

# wandb buffers its writes: a process that dies with os._exit leaves only what was flushed.
HARD_EXIT_SCRIPT = """
import os
import wandb
run = wandb.init(project="hard-exit")
for step in range(ROWS):
    run.log({"loss": float(step), "padding": "p" * PAD})
os._exit(0)
"""

MODEL_BYTES = b"not really a torch checkpoint\n" * 40

SCRIPTS = {
    "main": MAIN_SCRIPT.replace("MODEL_BYTES", repr(MODEL_BYTES)),
    "crash": CRASH_SCRIPT,
    "exit_early": HARD_EXIT_SCRIPT.replace("ROWS", "3").replace("PAD", "1"),
    # ~1.2 MB of history and summary: the whole 32 KiB blocks among it reach the disk.
    "exit_late": HARD_EXIT_SCRIPT.replace("ROWS", "30").replace("PAD", "20_000"),
}


def wandb_env(root: Path) -> dict[str, str]:
    """Environment for an offline run that writes only below ``root`` and never goes online."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("WANDB_")}
    folders = {
        "HOME": "home",
        "WANDB_DIR": "wandb_dir",
        "WANDB_CACHE_DIR": "cache",
        "WANDB_CONFIG_DIR": "config",
        "WANDB_DATA_DIR": "data",
    }
    for key, name in folders.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        env[key] = str(root / name)
    env.update(WANDB_MODE="offline", WANDB_SILENT="true")
    return env


@dataclass(frozen=True)
class ScriptRun:
    root: Path
    returncode: int
    output: str

    @property
    def wandb_dir(self) -> Path:
        return self.root / "wandb_dir"


def run_scripts(base: Path, scripts: dict[str, str], timeout: float = 120) -> dict[str, ScriptRun]:
    """Run each script in its own isolated folder, all at once, and wait for every one."""
    started = {}
    for name, source in scripts.items():
        root = base / name
        (root / "work").mkdir(parents=True)
        script = root / "work" / "script.py"
        script.write_text(source)
        started[name] = (
            root,
            subprocess.Popen(
                [sys.executable, str(script)],
                cwd=root / "work",
                env=wandb_env(root),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            ),
        )
    results = {}
    for name, (root, process) in started.items():
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        results[name] = ScriptRun(root, process.returncode, output)
    return results
