"""Every lesson in FULL mode (real data sizes and epochs, what a teacher runs), and the claims the lessons build on,
checked on each run's own printed values. About half an hour on 2 cores: run by `npm run test:slow` (which sets
CNNLAB_SLOW=1), never by `npm test`. Executed copies and a table of times land in build/notebooks-full/.

Each lesson's prose quotes no run result (it says "the printed line"); what is checked here is that a full run still
demonstrates what the lesson teaches, e.g. that the 1998 headline is reached and the depth sweep shows degradation.
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
OUTPUT = ROOT / "build" / "notebooks-full"
LESSONS = sorted(path.stem for path in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))

pytestmark = pytest.mark.skipif(os.environ.get("CNNLAB_SLOW") != "1", reason="full-mode lessons run with `npm run test:slow`")

TIMES: dict[str, float] = {}


@functools.lru_cache(maxsize=None)
def executed(name: str) -> nbformat.NotebookNode:
    """Runs one lesson in full mode (CNNLAB_FAST unset) with progress on stdout, once per session."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "CNNLAB_FAST"}
    started = time.time()
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "execute_notebook.py"), str(NOTEBOOKS / f"{name}.ipynb"), str(OUTPUT / f"{name}.ipynb")],
        cwd=ROOT, env=env, check=False,
    )
    TIMES[name] = time.time() - started
    with open(OUTPUT / "times.md", "w", encoding="utf-8") as table:
        table.write("| lesson | seconds, full mode |\n|---|---|\n")
        table.writelines(f"| {lesson} | {seconds:.0f} |\n" for lesson, seconds in TIMES.items())
    return nbformat.read(OUTPUT / f"{name}.ipynb", as_version=4)


def printed(name: str) -> str:
    """Everything the lesson printed (stream outputs) and every text form of its displayed values."""
    texts = []
    for cell in executed(name).cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            texts.append(output.get("text", "") if output.output_type == "stream" else output.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


def number(pattern: str, text: str, lesson: str) -> tuple[float, ...]:
    match = re.search(pattern, text)
    assert match, f"{lesson} printed no line matching {pattern!r}"
    return tuple(float(group) for group in match.groups() if re.fullmatch(r"-?\d+(\.\d+)?", group or ""))


@pytest.mark.parametrize("name", LESSONS)
def test_runs_in_full_mode_without_errors(name: str) -> None:
    errors = [
        f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
        for index, cell in enumerate(executed(name).cells) if cell.cell_type == "code"
        for output in cell.get("outputs", []) if output.output_type == "error"
    ]
    assert not errors, f"{name} in full mode: {errors}"


def test_05_batch_norm_pitfall_shows_and_recalibration_fixes_it() -> None:
    text = printed("05-normalization")
    match = re.search(r"test accuracy is (\d+\.\d) points (below|above) the training accuracy; with statistics re-estimated "
                      r"for the final weights, (\d+\.\d) points (below|above) it", text)
    assert match, "lesson 05 printed no pitfall line"
    left, left_side, fixed, fixed_side = float(match[1]), match[2], float(match[3]), match[4]
    assert left_side == "below" and left > 5, f"the moving averages left by training should cost > 5 points: {match[0]}"
    assert fixed_side == "above" or fixed <= 5, f"re-estimated statistics should keep test within 5 points of training: {match[0]}"


def test_06_permuting_pixels_hurts_lenet_more_than_the_mlp() -> None:
    mlp, lenet = number(r"changed test accuracy by (-?\d+\.\d) points for the MLP and by (-?\d+\.\d) points for LeNet-5",
                        printed("06-flatten-fully-connected-softmax"), "lesson 06")
    assert abs(mlp) < 1.5, f"the MLP should not care about a fixed permutation: {mlp:+.1f} points"
    assert lenet < mlp - 2, f"LeNet-5 should lose its edge on permuted pixels: {lenet:+.1f} vs the MLP's {mlp:+.1f}"


def test_07_lenet5_reaches_the_1998_headline() -> None:
    (error,) = number(r"test error (\d+\.\d+)% on 10,000 test digits", printed("07-lenet5-mnist"), "lesson 07")
    assert error <= 0.95, f"modern LeNet-5 test error {error}% is above the 1998 paper's 0.95%"


def test_08_depth_sweep_shows_degradation_and_its_cure() -> None:
    plain, residual = number(r"the deepest plain net's training error is (\d+\.\d) points above the lowest plain one .*?"
                             r"the deepest residual net's training error is (\d+\.\d) points above",
                             printed("08-deeper-and-wider"), "lesson 08")
    assert plain >= 1.0, f"the plain family shows no degradation in full mode ({plain} points)"
    assert residual < plain / 2, f"the residual family should degrade far less than the plain one ({residual} vs {plain} points)"
