"""The sweep reader (grader/readers/sweep/) and the local sweep command.

Everything but the last test runs in-process on YAML text: schema, W&B's extra rules, sampling
as W&B samples, and the line numbers every problem carries.
"""

from __future__ import annotations

import math
import random
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from grader import sweep as sweep_command
from grader.checks.sweep_wording import learning_rate_report, parse_sweep_text
from grader.readers.sweep import (
    FILE,
    GRID,
    LEARNING_RATE,
    METHOD_METRIC,
    PARAMETERS,
    PROGRAM,
    RUN_CAP,
    SCHEMA,
    Parameter,
    classify,
    find_metric,
    grid_values,
    sample_configs,
    sample_value,
    smallest_value,
    sweep_schema,
)

from .conftest import ROOT

VALID = """\
program: train.py
method: random
metric:
  name: validation_loss
  goal: minimize
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.1
  batch_size:
    values: [16, 32, 64]
  epochs:
    values: [1, 2, 3]
run_cap: 10
"""


def read(text: str, base: Path | None = None):
    return parse_sweep_text(textwrap.dedent(text), "configs/sweep.yaml", base)


def with_parameters(block: str, method: str = "random") -> str:
    """A valid sweep whose parameters are ``block`` (YAML indented by two spaces)."""
    head = VALID.split("parameters:")[0].replace("method: random", f"method: {method}")
    return head + "parameters:\n" + textwrap.indent(textwrap.dedent(block), "  ") + "run_cap: 5\n"


def topics(sweep) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in sweep.problems:
        found.setdefault(problem.topic, []).append(str(problem))
    return found


# --- the schema and the top level -----------------------------------------------------------


def test_schema_is_a_valid_draft7_schema() -> None:
    Draft7Validator.check_schema(sweep_schema())


def test_the_solution_and_a_plain_sweep_have_no_problem() -> None:
    solution = ROOT / "solutions" / "exercise8_sweep_yaml"
    for text in (VALID, (solution / "configs" / "sweep.yaml").read_text()):
        sweep = read(text, base=solution)
        assert sweep.problems == []
        assert [p.kind for p in sweep.parameters][:1] == ["log_uniform_values"]


def test_unknown_and_duplicate_keys_are_reported_with_their_line() -> None:
    sweep = read(VALID.replace("run_cap: 10", "runcap: 10\nmethod: grid"))
    messages = topics(sweep)
    assert "configs/sweep.yaml line 15: unknown top-level key `runcap`" in messages[SCHEMA][1]
    assert "did you mean `run_cap`?" in messages[SCHEMA][1]
    assert messages[SCHEMA][0].startswith("configs/sweep.yaml line 16: `method` appears twice")
    assert "`run_cap` is missing" in messages[RUN_CAP][0]


def test_yaml_syntax_error_gives_its_line_and_marks_the_whole_file() -> None:
    sweep = read("program: train.py\nmetric:\n\tname: loss\n")
    assert not sweep.readable
    (problem,) = sweep.problems
    assert problem.topic == FILE and problem.line == 3 and "never tabs" in problem.message
    assert sweep.about(RUN_CAP) == [problem]  # every check sees it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("- program: train.py\n", "not a list"),
    ],
)
def test_files_that_are_not_a_mapping(text: str, expected: str) -> None:
    sweep = read(text)
    assert [p.topic for p in sweep.problems] == [FILE]
    assert expected.split()[-1] in str(sweep.problems[0])


def test_method_and_metric_problems() -> None:
    sweep = read(VALID.replace("method: random\n", "").replace("goal: minimize", "goal: minimise"))
    found = topics(sweep)[METHOD_METRIC]
    assert any("`method` is missing" in m for m in found)
    assert any("line 4" in m and "did you mean `minimize`?" in m for m in found)
    sweep = read(VALID.replace("method: random", "method: randm"))
    assert "did you mean `random`?" in topics(sweep)[METHOD_METRIC][0]


def test_goal_against_the_metric_name() -> None:
    wrong = read(VALID.replace("validation_loss", "validation_accuracy"))
    assert "use `goal: maximize`" in topics(wrong)[METHOD_METRIC][0]
    right = read(VALID.replace("validation_loss", "val_acc").replace("minimize", "maximize"))
    assert right.problems == []


@pytest.mark.parametrize(
    ("value", "words"),
    [("0", "1 or more"), ("ten", "is text"), ("2.5", "not a whole number"), ("true", "whole")],
)
def test_run_cap_must_be_a_positive_whole_number(value: str, words: str) -> None:
    sweep = read(VALID.replace("run_cap: 10", f"run_cap: {value}"))
    (message,) = topics(sweep)[RUN_CAP]
    assert message.startswith("configs/sweep.yaml line 15:") and words in message
    assert read(VALID.replace("run_cap: 10", "run_cap: 1")).problems == []


def test_program_is_resolved_from_the_exercise_folder(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("")
    assert read(VALID, base=tmp_path).problems == []
    for program, words in [
        ("src/train.py", "does not exist"),
        ("../train.py", "outside the exercise folder"),
        ("configs/sweep.yaml", "not the exercise's train.py"),
    ]:
        (tmp_path / "configs").mkdir(exist_ok=True)
        (tmp_path / "configs" / "sweep.yaml").write_text("")
        sweep = read(VALID.replace("program: train.py", f"program: {program}"), base=tmp_path)
        (message,) = topics(sweep)[PROGRAM]
        assert "line 1" in message and words in message
    assert read(VALID.replace("train.py", "./train.py"), base=tmp_path).problems == []


# --- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("definition", "kind"),
    [
        ({"value": 3}, "constant"),
        ({"values": [1, 2]}, "categorical"),
        ({"values": [1, 2], "probabilities": [0.5, 0.5]}, "categorical_w_probabilities"),
        ({"min": 1, "max": 5}, "int_uniform"),  # W&B: two whole numbers give int_uniform
        ({"min": 1.0, "max": 5.0}, "uniform"),  # ... and 1.0 is not a whole number there
        ({"min": 0.0001, "max": 0.1}, "uniform"),
        ({"distribution": "q_uniform", "min": 0, "max": 10, "q": 2}, "q_uniform"),
        ({"distribution": "log_uniform", "min": -9.2, "max": -2.3}, "log_uniform"),
        (
            {"distribution": "q_log_uniform_values", "min": 16, "max": 256, "q": 16},
            "q_log_uniform_values",
        ),
        (
            {"distribution": "inv_log_uniform_values", "min": 0.1, "max": 1},
            "inv_log_uniform_values",
        ),
        ({"distribution": "normal"}, "normal"),
        ({"distribution": "q_log_normal", "mu": 1, "sigma": 0.5, "q": 1}, "q_log_normal"),
        ({"parameters": {"lr": {"value": 0.1}}}, "nested"),
        ({"distribution": "log_uniform_values", "min": 0, "max": 1}, None),  # log of 0
        ({"values": []}, None),
        ({"value": 1, "values": [1]}, None),
        ({"distribution": "uniform", "min": 0, "max": 1, "mu": 0}, None),
        (0.5, None),
    ],
)
def test_parameter_kinds_follow_w_and_b(definition, kind) -> None:
    assert classify(definition) == kind


@pytest.mark.parametrize(
    ("block", "line", "words"),
    [
        ("lr: {values: []}\n", 7, "`values` is an empty list"),
        ("lr: 0.01\n", 7, "write `lr: {value: 0.01}`"),
        ("lr: {value: 0.1, values: [0.1]}\n", 7, "exactly one of"),
        ("lr:\n  distribution: loguniform\n  min: 1\n  max: 2\n", 8, "did you mean `log_uniform`?"),
        (
            "lr:\n  distribution: log_uniform_values\n  min: 0.1\n  max: 0.01\n",
            9,
            "min (0.1) must be less than max (0.01)",
        ),
        (
            "lr:\n  distribution: log_uniform_values\n  min: 1e-5\n  max: 0.1\n",
            9,
            "write 1.0e-5 instead",
        ),
        ("lr:\n  distribution: log_uniform_values\n  min: 0\n  max: 0.1\n", 9, "above 0"),
        ("lr:\n  distribution: log_uniform_values\n  max: 0.1\n", 7, "`min` missing"),
        ("e:\n  distribution: int_uniform\n  min: 1.5\n  max: 3\n", 9, "whole numbers"),
        ("o:\n  values: [a, b]\n  probabilities: [0.5, 0.6]\n", 9, "sum to 1.1"),
        ("o:\n  values: [a, b]\n  probabilities: [1.0]\n", 9, "2 values but 1 probabilities"),
        (
            "w:\n  distribution: log_uniform\n  min: 0.0001\n  max: 0.1\n",
            8,
            "natural-log exponents",
        ),
        ("batch-size: {values: [1]}\n1st: {values: [1]}\n", 8, "not a valid option name"),
    ],
)
def test_parameter_problems_name_the_line(block: str, line: int, words: str) -> None:
    sweep = read(with_parameters(block))
    found = topics(sweep)
    assert set(found) == {PARAMETERS}, found
    assert any(f"configs/sweep.yaml line {line}:" in m and words in m for m in found[PARAMETERS]), (
        found[PARAMETERS]
    )


def test_nested_parameters_are_flattened_with_their_lines() -> None:
    sweep = read(with_parameters("opt:\n  parameters:\n    lr: {values: [0.1]}\n    m: 0.9\n"))
    assert [(p.name, p.kind, p.line) for p in sweep.parameters] == [
        ("opt.lr", "categorical", 9),
        ("opt.m", None, 10),
    ]
    assert "line 10" in str(sweep.problems[0])


# --- grid -----------------------------------------------------------------------------------


def test_grid_takes_only_finite_sets_as_w_and_b_does() -> None:
    finite = """\
    lr: {values: [0.001, 0.01]}
    epochs: {min: 1, max: 3}
    batch_size: {distribution: q_uniform, min: 16, max: 64, q: 16}
    seed: {value: 0}
    """
    assert read(with_parameters(finite, "grid")).problems == []
    for block, words in [
        ("lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}\n", "infinitely many"),
        ("lr: {min: 0.0001, max: 0.1}\n", "uniform has infinitely many"),
        ("o: {values: [a, b], probabilities: [0.5, 0.5]}\n", "probabilities"),
    ]:
        (message,) = topics(read(with_parameters(block, "grid")))[GRID]
        assert "line 7" in message and words in message
        assert read(with_parameters(block, "random")).problems == []


def test_grid_configs_in_w_and_b_order() -> None:
    block = """\
    b: {values: [x, y]}
    a: {min: 1, max: 3}
    q: {distribution: q_uniform, min: 0, max: 1, q: 0.5}
    """
    sweep = read(with_parameters(block, "grid"))
    configs, how = sample_configs(sweep, 100, seed=1)
    assert how.startswith("grid")
    assert len(configs) == 3 * 2 * 2  # int_uniform keeps max, q_uniform (arange) drops it
    assert configs[:3] == [
        {"a": 1, "b": "x", "q": 0.0},
        {"a": 1, "b": "x", "q": 0.5},
        {"a": 1, "b": "y", "q": 0.0},
    ]
    assert len(sample_configs(sweep, 5)[0]) == 5


# --- sampling -------------------------------------------------------------------------------


def draws(definition: dict, count: int = 2000, seed: int = 3) -> list:
    rng = random.Random(seed)
    kind = classify(definition)
    return [sample_value(kind, definition, rng) for _ in range(count)]


def test_log_uniform_draws_exponents_and_log_uniform_values_draws_values() -> None:
    exponents = draws({"distribution": "log_uniform", "min": -9.2, "max": -2.3})
    assert math.exp(-9.2) <= min(exponents) and max(exponents) <= math.exp(-2.3)
    raw = draws({"distribution": "log_uniform", "min": 0.0001, "max": 0.1})
    assert min(raw) >= 1.0001 and max(raw) <= math.exp(0.1)
    values = draws({"distribution": "log_uniform_values", "min": 0.0001, "max": 0.1})
    assert min(values) >= 0.0001 and max(values) <= 0.1
    # log-uniform: the median sits at the geometric mean of the bounds, not halfway
    assert math.isclose(statistics.median(values), math.sqrt(0.0001 * 0.1), rel_tol=0.25)


def test_other_distributions_sample_as_w_and_b_does() -> None:
    ints = draws({"min": 1, "max": 3})
    assert set(ints) == {1, 2, 3}
    steps = draws({"distribution": "q_log_uniform_values", "min": 16, "max": 256, "q": 16})
    assert all(isinstance(v, int) and v % 16 == 0 and 16 <= v <= 256 for v in steps)
    floats = draws({"distribution": "q_uniform", "min": 0, "max": 1})
    assert set(floats) == {0.0, 1.0} and all(isinstance(v, float) for v in floats)
    normal = draws({"distribution": "normal", "mu": 5, "sigma": 1})
    assert 4.8 < statistics.mean(normal) < 5.2
    weighted = draws({"values": ["a", "b"], "probabilities": [0.9, 0.1]})
    assert 0.85 < weighted.count("a") / len(weighted) < 0.95
    inverse = draws({"distribution": "inv_log_uniform_values", "min": 0.01, "max": 1})
    assert min(inverse) >= 0.01 and max(inverse) <= 1


def test_sampling_is_deterministic_and_bayes_falls_back_to_random() -> None:
    sweep = read(VALID.replace("method: random", "method: bayes"))
    first, how = sample_configs(sweep, 3, seed=7)
    assert first == sample_configs(sweep, 3, seed=7)[0]
    assert "bayes falls back to random" in how
    assert {"lr", "batch_size", "epochs"} == set(first[0])


def test_smallest_value_and_grid_values() -> None:
    def param(definition: dict) -> Parameter:
        return Parameter(("epochs",), definition, classify(definition), None)

    assert smallest_value(param({"values": [5, 10, 15]})) == 5
    assert smallest_value(param({"min": 2, "max": 4})) == 2
    assert smallest_value(param({"value": 3})) == 3
    assert smallest_value(param({"values": ["a", 1]})) is None
    assert smallest_value(param({"distribution": "normal"})) is None
    assert grid_values(param({"distribution": "q_uniform", "min": 1, "max": 3, "q": 1})) == [1, 2]


# --- the learning rate ----------------------------------------------------------------------


def lr_report(block: str):
    return learning_rate_report(read(with_parameters(block)))


def test_raw_bounds_under_log_uniform_are_caught_and_explained() -> None:
    report = lr_report("learning_rate:\n  distribution: log_uniform\n  min: 0.0001\n  max: 0.1\n")
    (problem,) = report.problems
    assert problem.topic == LEARNING_RATE and problem.line == 8
    assert "1000 of 1000 drawn values outside [1e-06, 1]" in problem.message
    assert "from 1.0001 to 1.10517" in problem.message
    assert "log_uniform_values" in report.details[0] and "-9.21" in report.details[0]


@pytest.mark.parametrize(
    "block",
    [
        "lr: {distribution: log_uniform, min: -9.2, max: -2.3}\n",
        "lr: {distribution: log_uniform_values, min: 0.000001, max: 1}\n",
        "lr: {values: [0.1, 0.01]}\n",
        "base_lr: {distribution: q_log_uniform_values, min: 0.0001, max: 0.01, q: 0.0001}\n",
        "lr: {value: 0.001}\nlr_scheduler: {values: [cosine, step]}\n",
    ],
)
def test_learning_rates_in_range_pass(block: str) -> None:
    assert lr_report(block).problems == []


@pytest.mark.parametrize(
    ("block", "words"),
    [
        ("lr: {values: [0.1, 3]}\n", "1 of 2 listed values outside"),
        ("lr: {distribution: normal, mu: 0.001, sigma: 0.01}\n", "drawn values outside"),
        ("lr: {min: 0, max: 0.1}\n", "its range outside"),  # 0 is a possible draw
        ("lr: {values: ['1e-4']}\n", "write 1.0e-4"),
        ("lr: {values: [1e-4]}\n", "write 1.0e-4"),  # YAML 1.1 reads 1e-4 as text
        ("batch_size: {values: [32]}\n", "no learning-rate parameter"),
    ],
)
def test_learning_rates_out_of_range_fail(block: str, words: str) -> None:
    (problem,) = lr_report(block).problems
    assert words in problem.message, problem.message


# --- helpers of the checks and of the sweep command -----------------------------------------


def test_find_metric_reads_keys_and_dotted_paths() -> None:
    row = {"validation_loss": 0.5, "val": {"loss": 0.25}, "val/acc": 0.9}
    assert find_metric(row, "validation_loss") == (True, 0.5)
    assert find_metric(row, "val.loss") == (True, 0.25)
    assert find_metric(row, "val/acc") == (True, 0.9)
    assert find_metric(row, "val.acc") == (False, None)


def test_ranked_table_puts_the_best_first() -> None:
    runs = [
        sweep_command.SweepRun(1, {"lr": 0.1}, 0.8, "ok"),
        sweep_command.SweepRun(2, {"lr": 0.01}, None, "exited with code 1"),
        sweep_command.SweepRun(3, {"lr": 0.001}, 0.3, "ok"),
    ]
    best = sweep_command.ranked(runs, "minimize")
    assert [r.index for r in best] == [3, 1, 2]
    assert [r.index for r in sweep_command.ranked(runs, "maximize")] == [1, 3, 2]
    table = sweep_command.format_table(best, "loss").splitlines()
    assert table[0].split() == ["#", "lr", "loss", "status"]
    assert table[2].split() == ["1", "0.001", "0.3", "ok"]


@pytest.mark.parametrize(
    "argv",
    [["exercise1"], ["exercise8", "--runs", "0"], ["exercise99"], ["--submission", "/nowhere"]],
)
def test_sweep_command_usage_errors(argv: list[str], capsys) -> None:
    assert sweep_command.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("sweep: error: ") and err.count("\n") == 1


@pytest.mark.slow
def test_sweep_command_runs_the_solution(tmp_path: Path) -> None:
    """Two offline runs of the reference solution, ranked, plotted (a seed that draws one epoch
    for both runs keeps it short)."""
    plot = tmp_path / "out" / "sweep.png"
    command = "exercise8 --runs 2 --seed 10 --submission {} --plot {}"
    argv = command.format(ROOT / "solutions", plot).split()
    process = subprocess.run(
        [sys.executable, "-m", "grader.sweep", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stdout + process.stderr
    lines = process.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("#  "))
    rows = [line.split() for line in lines[header + 2 : header + 4]]
    losses = [float(row[lines[header].split().index("validation_loss")]) for row in rows]
    assert losses == sorted(losses) and all(row[-1] == "ok" for row in rows)
    assert f"plot saved to {plot}" in process.stdout
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
