"""Tests of the W&B offline run-log reader: hand-made logs, then real offline runs."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.readers.wandb_run import (
    WandbLogError,
    find_run_logs,
    media_files,
    media_type,
    read_run,
    run_files_dir,
    scan_log,
)

from .wandb_runs import (
    BLOCK_SIZE,
    FIRST,
    FULL,
    LAST,
    LOG_HEADER,
    MIDDLE,
    MODEL_BYTES,
    SCRIPTS,
    chunk,
    encode_log,
    list_chunks,
    run_scripts,
)

REPO = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def payloads(scan) -> list[bytes]:
    return [payload for _, payload in scan.records]


# --- hand-made logs: block, padding and damage logic, no wandb needed -----------------------


@pytest.mark.parametrize(
    "sizes",
    [
        [],
        [0],
        [10, 20, 30],
        [BLOCK_SIZE - 7 - 7],  # fills block 0 exactly
        [BLOCK_SIZE - 7 - 7 - 6, 5],  # leaves 6 bytes: zero padding
        [BLOCK_SIZE - 7 - 7 - 7, 5],  # leaves 7 bytes: an empty FIRST chunk
        [BLOCK_SIZE - 7 - 7 - 8, 5],  # leaves 8 bytes: a 1-byte FIRST chunk
        [100_000, 3, 70_000],  # FIRST, MIDDLE..., LAST
    ],
)
def test_hand_made_log_round_trips(sizes: list[int]) -> None:
    records = [bytes([i % 251 + 1]) * size for i, size in enumerate(sizes)]
    scan = scan_log(encode_log(records))
    assert payloads(scan) == records
    assert scan.errors == []
    assert scan.truncated is False


def test_padding_and_chunk_types_where_expected() -> None:
    data = encode_log([b"a" * (BLOCK_SIZE - 7 - 7 - 6), b"b" * 5, b"c" * 2 * BLOCK_SIZE])
    assert data[BLOCK_SIZE - 6 : BLOCK_SIZE] == b"\0" * 6
    kinds = [c.type for c in list_chunks(data)]
    assert kinds == [FULL, FULL, FIRST, MIDDLE, LAST]


def test_non_zero_padding_is_reported_but_records_survive() -> None:
    data = bytearray(encode_log([b"a" * (BLOCK_SIZE - 7 - 7 - 6), b"b" * 5]))
    data[BLOCK_SIZE - 3] = 0xFF
    scan = scan_log(bytes(data))
    assert payloads(scan) == [b"a" * (BLOCK_SIZE - 20), b"b" * 5]
    assert any("padding" in error for error in scan.errors)


def test_flipped_byte_loses_one_record() -> None:
    records = [b"first", b"second" * 10, b"third"]
    data = bytearray(encode_log(records))
    data[len(LOG_HEADER) + 7 + len(records[0]) + 7 + 3] ^= 0x40  # inside record 2's payload
    scan = scan_log(bytes(data))
    assert payloads(scan) == [b"first", b"third"]
    assert len(scan.errors) == 1 and "CRC mismatch" in scan.errors[0]
    assert scan.truncated is False


def test_corrupt_length_skips_to_the_next_block() -> None:
    records = [b"a" * 100, b"b" * 100, b"c" * BLOCK_SIZE, b"d" * 10]
    data = bytearray(encode_log(records))
    data[len(LOG_HEADER) + 4] ^= 0x01  # length of record 1: CRC no longer matches
    scan = scan_log(bytes(data))
    # Records 1-2 and the start of 3 live in block 0; the rest of 3 is an orphan; 4 survives.
    assert payloads(scan) == [b"d" * 10]
    assert any("CRC mismatch" in e for e in scan.errors)
    assert any("skipped" in e and "next block" in e for e in scan.errors)
    assert any("record start was lost" in e for e in scan.errors)


def test_damaged_middle_chunk_drops_its_record_only() -> None:
    records = [b"a" * 10, b"b" * 3 * BLOCK_SIZE, b"c" * 10]
    data = bytearray(encode_log(records))
    middle = next(c for c in list_chunks(bytes(data)) if c.type == MIDDLE)
    data[middle.offset + 7 + 100] ^= 0xFF
    scan = scan_log(bytes(data))
    assert payloads(scan) == [b"a" * 10, b"c" * 10]
    assert any("CRC mismatch in a MIDDLE chunk" in e for e in scan.errors)
    assert any("never completed" in e for e in scan.errors)


@pytest.mark.parametrize("cut", [3, 7 + 2, 7 + 7 + 50])
def test_cut_inside_the_last_chunk_is_truncated(cut: int) -> None:
    data = encode_log([b"a" * 100, b"b" * 100])
    whole_first = len(LOG_HEADER) + 7 + 100
    scan = scan_log(data[: whole_first + cut])
    assert payloads(scan) == [b"a" * 100]
    assert scan.truncated is True
    assert scan.errors == []


def test_cut_between_first_and_last_is_truncated() -> None:
    data = encode_log([b"a" * 10, b"b" * 2 * BLOCK_SIZE])
    scan = scan_log(data[:BLOCK_SIZE])
    assert payloads(scan) == [b"a" * 10]
    assert scan.truncated is True


def test_zero_filled_tail_ends_the_data() -> None:
    scan = scan_log(encode_log([b"a" * 10]) + b"\0" * 500)
    assert payloads(scan) == [b"a" * 10]
    assert scan.errors == [] and scan.truncated is False


def test_orphan_last_chunk_is_reported() -> None:
    scan = scan_log(LOG_HEADER + chunk(LAST, b"tail") + chunk(FULL, b"ok"))
    assert payloads(scan) == [b"ok"]
    assert any("LAST chunk whose record start was lost" in e for e in scan.errors)


@pytest.mark.parametrize(
    "content", [b"", b":W&B", b"PK\x03\x04 not a log at all", b":W&B\x00\x00\x00rest"]
)
def test_not_a_wandb_log_raises(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "run-x.wandb"
    path.write_bytes(content)
    with pytest.raises(WandbLogError, match="not a W&B run log"):
        read_run(path)


def test_header_only_file_is_an_empty_run(tmp_path: Path) -> None:
    pytest.importorskip("wandb")
    path = tmp_path / "run-x.wandb"
    path.write_bytes(LOG_HEADER)
    run = read_run(path)
    assert (run.history, run.config, run.exit_code, run.errors, run.truncated) == (
        [],
        {},
        None,
        [],
        False,
    )


def test_hand_made_records_fold_into_a_run(tmp_path: Path) -> None:
    pb = pytest.importorskip("wandb.proto.wandb_internal_pb2")
    records = []

    run = pb.Record()
    run.run.run_id, run.run.project, run.run.job_type = "abc", "proj", "train"
    run.run.config.update.add(key="_wandb", value_json="{}")
    run.run.config.update.add(key="lr", value_json="0.1")
    run.run.config.update.add(key="drop_me", value_json="1")
    records.append(run)
    config = pb.Record()
    config.config.update.add(nested_key=["optim", "name"], value_json='"sgd"')
    config.config.remove.add(key="drop_me")
    records.append(config)
    history = pb.Record()
    history.history.item.add(key="_step", value_json="0")
    history.history.item.add(nested_key=["img", "_type"], value_json='"image-file"')
    history.history.item.add(nested_key=["img", "path"], value_json='"media/images/a.png"')
    records.append(history)
    garbage = b"\xff\xff\xff"  # not a protobuf message
    exit_record = pb.Record()
    exit_record.exit.exit_code = 3
    records.append(exit_record)

    path = tmp_path / "run-abc.wandb"
    encoded = [r.SerializeToString() for r in records]
    path.write_bytes(encode_log([*encoded[:3], garbage, *encoded[3:]]))
    result = read_run(path)
    assert (result.run_id, result.project, result.job_type) == ("abc", "proj", "train")
    assert result.config == {"lr": 0.1, "optim": {"name": "sgd"}}
    assert result.history == [
        {"_step": 0, "img": {"_type": "image-file", "path": "media/images/a.png"}}
    ]
    assert result.exit_code == 3
    assert len(result.errors) == 1 and "does not decode" in result.errors[0]


def test_media_helpers(tmp_path: Path) -> None:
    one = {"_type": "image-file", "path": "media/images/a.png"}
    many = {"_type": "images/separated", "filenames": ["media/images/b.png", "media/images/c.png"]}
    assert media_type(one) == "image-file"
    assert media_type(many) == "images/separated"
    assert media_type({"_type": "histogram", "bins": [0, 1], "values": [1]}) == "histogram"
    assert media_type(0.5) is None and media_type({"a": 1}) is None
    assert media_files(one, tmp_path) == [tmp_path / "media/images/a.png"]
    assert media_files(many, tmp_path) == [
        tmp_path / "media/images/b.png",
        tmp_path / "media/images/c.png",
    ]
    assert media_files(0.5, tmp_path) == []
    with pytest.raises(WandbLogError, match="outside"):
        media_files({"_type": "image-file", "path": "../../etc/passwd"}, tmp_path)
    run_dir = tmp_path / "wandb" / "offline-run-20260101_000000-abc"
    assert run_files_dir(run_dir / "run-abc.wandb") == run_dir / "files"


def test_importing_the_reader_does_not_import_wandb() -> None:
    code = "import sys, grader.readers.wandb_run; assert 'wandb' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


# --- real offline runs made by the installed wandb ------------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    pytest.importorskip("wandb")
    pytest.importorskip("numpy")
    pytest.importorskip("PIL")  # wandb.Image needs pillow, which wandb does not depend on
    results = run_scripts(tmp_path_factory.mktemp("wandb_runs"), SCRIPTS)
    for name, result in results.items():
        expected = 1 if name == "crash" else 0
        assert result.returncode == expected, f"{name} script failed:\n{result.output}"
    return results


@pytest.fixture(scope="module")
def main_runs(runs) -> dict[str, Path]:
    logs = find_run_logs(runs["main"].wandb_dir)
    assert len(logs) == 2
    read = [read_run(path) for path in logs]
    assert {run.project for run in read} == {"scalars", "media"}
    # Folder names have one-second resolution (then the random run id); start_time is finer.
    assert [run.project for run in sorted(read, key=lambda r: r.start_time)] == ["scalars", "media"]
    return {run.project: run.path for run in read}


def only_log(runs, name: str) -> Path:
    logs = find_run_logs(runs[name].wandb_dir)
    assert len(logs) == 1
    return logs[0]


def test_find_run_logs_layout(runs, main_runs) -> None:
    for path in main_runs.values():
        assert path.parent.parent.name == "wandb"
        assert path.parent.name.startswith("offline-run-")
        assert path.name == f"run-{read_run(path).run_id}.wandb"
    # The wandb/ folder itself works as well; an empty folder has none.
    logs = find_run_logs(runs["main"].wandb_dir)
    assert logs == sorted(main_runs.values(), key=lambda path: path.parent.name)
    assert find_run_logs(runs["main"].wandb_dir / "wandb") == logs
    assert find_run_logs(runs["main"].root / "work") == []


def test_scalars_config_and_summary(main_runs) -> None:
    run = read_run(main_runs["scalars"])
    assert run.errors == [] and run.truncated is False
    assert (run.job_type, run.name, run.exit_code) == ("train", "scalar-run", 0)
    assert run.writer_version.startswith("0.")
    assert run.start_time is not None and abs(run.start_time - time.time()) < 3600
    big = run.config.pop("big")
    assert big == "x" * 100_000
    assert run.config == {
        "lr": 0.02,  # changed by the later config.update
        "epochs": 3,
        "optim": {"name": "adam"},
        "user_dict": {"value": 5},  # a student's own dict is not "unwrapped"
        "batch_size": 64,
    }
    assert [row["_step"] for row in run.history] == [0, 1, 2, 10]
    assert run.series("loss") == [(0, 1.5), (1, 0.75), (2, 0.5), (10, 0.25)]
    assert run.series("train/acc") == [(0, 0.5), (1, 0.625), (2, 0.75)]
    assert run.history[-1]["val"] == {"loss": 0.5}
    assert {"_runtime", "_timestamp"} <= set(run.history[0])
    assert run.summary["best_acc"] == 0.875
    assert run.summary["loss"] == 0.25 and run.summary["_step"] == 10
    assert "_wandb" not in run.summary and "_wandb" not in run.config


def test_record_longer_than_a_block_uses_first_middle_last(main_runs) -> None:
    kinds = {c.type for c in list_chunks(main_runs["scalars"].read_bytes())}
    assert {FULL, FIRST, MIDDLE, LAST} <= kinds


def test_media_values_and_files(main_runs) -> None:
    run = read_run(main_runs["media"])
    assert run.errors == [] and run.exit_code == 0
    values = {key: value for row in run.history for key, value in row.items()}
    assert media_type(values["sample"]) == "image-file"
    assert media_type(values["batch"]) == "images/separated"
    assert media_type(values["weights"]) == "histogram"
    assert media_type(values["_step"]) is None

    image = run.media_files(values["sample"])
    assert len(image) == 1 and image[0].read_bytes().startswith(PNG_MAGIC)
    assert image[0].parent.parent.parent == run.files_dir == main_runs["media"].parent / "files"
    batch = run.media_files(values["batch"])
    assert len(batch) == 3 and all(p.read_bytes().startswith(PNG_MAGIC) for p in batch)

    histogram = values["weights"]
    assert run.media_files(histogram) == []  # inline in the row, no file
    assert len(histogram["bins"]) == len(histogram["values"]) + 1
    assert sum(histogram["values"]) == 101


def test_artifact_record_and_its_file(main_runs) -> None:
    (artifact,) = read_run(main_runs["media"]).artifacts
    assert (artifact.name, artifact.type) == ("corrupt_mnist_model", "model")
    assert artifact.metadata == {"accuracy": 0.93}
    assert set(artifact.aliases) == {"best", "latest"}
    (entry,) = artifact.files
    assert (entry.path, entry.size) == ("model.pt", len(MODEL_BYTES))
    assert entry.digest == base64.b64encode(hashlib.md5(MODEL_BYTES).digest()).decode()
    assert Path(entry.local_path).read_bytes() == MODEL_BYTES


def test_uncaught_exception_gives_exit_code_1(runs) -> None:
    run = read_run(only_log(runs, "crash"))
    assert run.exit_code == 1
    assert run.series("loss") == [(0, 0), (1, 1), (2, 2)]  # 1.0 is stored as the JSON 1
    assert run.errors == [] and run.truncated is False


def test_os_exit_leaves_a_readable_log_without_exit_record(runs) -> None:
    early = read_run(only_log(runs, "exit_early"))
    assert early.exit_code is None
    assert early.errors == [] and early.truncated is False
    # Nothing but the header reached the disk: wandb writes only whole 32 KiB blocks until finish.
    assert early.history == [] and early.path.stat().st_size == len(LOG_HEADER)

    late = read_run(only_log(runs, "exit_late"))
    assert late.exit_code is None and late.errors == []
    assert late.project == "hard-exit"
    steps = [row["_step"] for row in late.history]
    assert 0 < len(steps) <= 30 and steps == list(range(len(steps)))


def damaged_copy(source: Path, tmp_path: Path, data: bytes) -> Path:
    target = tmp_path / "wandb" / source.parent.name / source.name
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    return target


def test_log_cut_mid_block_keeps_what_came_before(main_runs, tmp_path: Path) -> None:
    data = main_runs["scalars"].read_bytes()
    last = list_chunks(data)[-1]  # the exit record
    cut = damaged_copy(main_runs["scalars"], tmp_path, data[: last.offset + 7 + last.length // 2])
    run = read_run(cut)
    whole = read_run(main_runs["scalars"])
    assert run.truncated is True and run.errors == []
    assert run.config == whole.config
    assert run.exit_code is None  # the exit record was the last record and is gone
    assert run.history == whole.history[: len(run.history)]


def test_flipped_byte_is_reported_and_the_rest_read(main_runs, tmp_path: Path) -> None:
    source = main_runs["scalars"]
    data = bytearray(source.read_bytes())
    whole = read_run(source)
    chunks = list_chunks(bytes(data))
    middle = next(c for c in chunks if c.type == MIDDLE)
    data[middle.offset + 7 + 10] ^= 0x01  # inside the 100 KB config record
    run = read_run(damaged_copy(source, tmp_path, bytes(data)))
    assert any("CRC mismatch" in e for e in run.errors)
    # That record is lost whole (with batch_size); the records after it are all there.
    assert "big" not in run.config and "batch_size" not in run.config
    assert run.config["lr"] == 0.02
    assert run.history == whole.history
    assert run.exit_code == 0 and run.truncated is False
