"""`npm run notebooks` says how far a lesson is while it runs (scripts/execute_notebook.py): the cell k of N, the
elapsed time, what the lesson prints and the training dashboard's line; the executed copy keeps the outputs."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "execute_notebook.py"


@pytest.fixture
def lesson_dir():
    """A scratch folder inside the repository, where cells type-check against its node_modules as lessons do."""
    (ROOT / "build").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="execute-notebook-", dir=ROOT / "build"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_reports_cells_printed_lines_and_training_progress(lesson_dir: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "cnnlab", "display_name": "TypeScript (cnnlab)", "language": "typescript"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# a tiny lesson"),
        nbformat.v4.new_code_cell('console.log("hello from the lesson")'),
        nbformat.v4.new_code_cell(
            'import * as tf from "@tensorflow/tfjs";\n'
            'import { train, syntheticShapes } from "cnnlab";\n'
            "const shapes = syntheticShapes({ count: 200, size: 16 });\n"
            "const net = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [16, 16, 1] }),\n"
            "  tf.layers.dense({ units: shapes.classes, activation: 'softmax' })] });\n"
            "await train(net, shapes, { epochs: 2, batchSize: 20, fast: false });"
        ),
    ]
    source = lesson_dir / "tiny.ipynb"
    output = lesson_dir / "executed.ipynb"
    nbformat.write(nb, source)
    env = {key: value for key, value in os.environ.items() if key != "CNNLAB_FAST"}
    run = subprocess.run([sys.executable, str(SCRIPT), str(source), str(output)], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("[tiny 0:") and "cell 1/2: console.log" in line for line in lines), run.stdout
    assert any("cell 2/2: import * as tf" in line for line in lines), run.stdout
    assert any(line.endswith("  hello from the lesson") for line in lines), run.stdout
    assert any("  training" in line and "/20" in line for line in lines), run.stdout
    assert lines[-1].endswith("done, 2 code cells")
    executed = nbformat.read(output, as_version=4)
    assert executed.cells[1].outputs[0]["text"] == "hello from the lesson\n"
    assert not source.read_text().count('"outputs": [\n     {'), "the source was written"


def test_a_failing_cell_is_reported_and_fails_the_run(lesson_dir: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "cnnlab", "display_name": "TypeScript (cnnlab)", "language": "typescript"}
    nb.cells = [nbformat.v4.new_code_cell('throw new Error("broken lesson")'), nbformat.v4.new_code_cell("1 + 1")]
    source = lesson_dir / "broken.ipynb"
    nbformat.write(nb, source)
    run = subprocess.run([sys.executable, str(SCRIPT), str(source), str(lesson_dir / "out.ipynb")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert "Error: broken lesson" in run.stdout
    assert "FAILED" in run.stdout.splitlines()[-1]
