"""The student editions under nbgrader, as a class would use them (fast mode, through the cnnlab kernel).

`nbgrader validate --invert` on each blank student edition: no check may pass before the student has written
anything. Then the instructor's solutions pasted into the student's cells: `nbgrader validate` must pass every
check. The English editions run (the Korean ones share their code, test_editions.py; the browser suite sees a Korean
check answer in Korean).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NAMES = [path.name for path in sorted(NOTEBOOKS.glob("student/[0-9][0-9]-*.ipynb"))]
NBGRADER = ROOT / ".venv" / "bin" / "nbgrader"
TIMEOUT_SECONDS = 900


def validate(notebook: Path, *flags: str) -> str:
    run = subprocess.run(
        [str(NBGRADER), "validate", *flags, notebook.name],
        cwd=notebook.parent,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        env={**os.environ, "CNNLAB_FAST": "1"},
    )
    return run.stdout + run.stderr


@pytest.fixture
def folder():
    """A scratch folder inside the repository (cells type-check against its node_modules, as lessons do)."""
    (ROOT / "build").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="student-", dir=ROOT / "build"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_there_are_student_editions() -> None:
    assert NAMES, "no student editions in notebooks/student; run `npm run editions`"


@pytest.mark.parametrize("name", NAMES)
def test_no_check_passes_on_the_blank_student_edition(name: str) -> None:
    output = validate(NOTEBOOKS / "student" / name, "--invert")
    assert "Success! The notebook does not pass any tests." in output, output[-3000:]


@pytest.mark.parametrize("name", NAMES)
def test_every_check_passes_with_the_instructor_solutions_pasted_in(name: str, folder: Path) -> None:
    solutions = {cell.id: cell.source for cell in nbformat.read(NOTEBOOKS / name, as_version=4).cells}
    student = nbformat.read(NOTEBOOKS / "student" / name, as_version=4)
    pasted = 0
    for cell in student.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = solutions[cell.id]
            pasted += 1
    assert pasted >= 2
    nbformat.write(student, folder / name)
    output = validate(folder / name)
    assert "Success! Your notebook passes all the tests." in output, output[-3000:]
