"""The staged lesson notebooks, executed as a student would run them: Restart & Run All through the cnnlab kernel.

Each lesson's instructor edition, English (notebooks/*.ipynb) and Korean (notebooks/ko/*.ipynb), runs in fast mode (CNNLAB_FAST=1: small data, few epochs) with nbclient, from
notebooks/ as its working directory, and must finish without an error output, show at least one picture
(image/png) and one plotly figure. The static checks (headings cover the seed lecture, sources committed without
outputs, imports, kernelspec, exercises with hidden solutions) need no kernel and run in milliseconds.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
LESSON_IDS = [path.stem for path in LESSONS]
# Both languages' instructor editions run with the same output checks: "ko/NN-topic" names the Korean one.
EDITION_IDS = LESSON_IDS + [f"ko/{name}" for name in LESSON_IDS]
# Every committed edition (both languages, instructor and student) for the checks that hold for all of them.
ALL_EDITIONS = LESSONS + sorted(NOTEBOOKS.glob("ko/[0-9][0-9]-*.ipynb")) + sorted(NOTEBOOKS.glob("student/[0-9][0-9]-*.ipynb")) + sorted(
    NOTEBOOKS.glob("ko/student/[0-9][0-9]-*.ipynb")
)
ALL_EDITION_IDS = [str(path.relative_to(NOTEBOOKS).with_suffix("")) for path in ALL_EDITIONS]
KERNEL_NAME = "cnnlab"
# Generous on purpose: a slow CI machine should not fail a lesson that is merely slow; a hung cell still ends.
CELL_TIMEOUT_SECONDS = 600

# The seed lecture's topics; each must be the subject of a markdown heading in some lesson. Each entry maps a
# topic to the pattern a heading has to match (case-insensitive) and the lesson that teaches it, so that while a
# lesson is still unwritten only its own topics are excused.
SEED_TOPICS = {
    "tensors/images": (r"tensor|image", "00"),
    "convolution": (r"convolution", "02"),
    "activation": (r"activation", "03"),
    "subsampling/pooling": (r"subsampling|pooling", "04"),
    "receptive field": (r"receptive field", "04"),
    "normalization": (r"normali[sz]ation", "05"),
    "flatten": (r"flatten", "06"),
    "fully connected": (r"fully[ -]connected", "06"),
    "softmax": (r"softmax", "06"),
    "LeNet-5": (r"lenet-?5", "07"),
    "MNIST": (r"mnist", "07"),
    "deeper": (r"deeper|depth", "08"),
    "wider": (r"wider|width", "08"),
}

ALLOWED_IMPORTS = {"cnnlab", "@tensorflow/tfjs"}
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def headings(notebook: nbformat.NotebookNode) -> list[str]:
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        found += [line.lstrip("#").strip() for line in cell.source.splitlines() if re.match(r"^#{1,6}\s", line)]
    return found


def outputs(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]


def describe_error(output: nbformat.NotebookNode) -> str:
    return f"{output.get('ename')}: {output.get('evalue')}"[:2000]


@functools.lru_cache(maxsize=None)
def executed(name: str) -> nbformat.NotebookNode:
    """Runs one lesson top to bottom in fast mode, once per test session (several tests read its outputs)."""
    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        pytest.fail(
            f"the Jupyter kernelspec '{KERNEL_NAME}' is not installed; run `node scripts/setup.mjs` "
            "(it builds the kernel and installs it into .venv), then run the tests with .venv/bin/python"
        )
    path = NOTEBOOKS / f"{name}.ipynb"
    notebook = load(path)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT_SECONDS,
        # Keep going after an error so the failure message can list every failing cell, not only the first.
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env={**os.environ, "CNNLAB_FAST": "1"})
    return notebook


# ---------------------------------------------------------------------------------------------------------------
# Static checks: the committed sources.


def test_there_are_lessons() -> None:
    assert LESSONS, f"no lesson notebooks (NN-name.ipynb) found in {NOTEBOOKS}"


@pytest.mark.parametrize("path", ALL_EDITIONS, ids=ALL_EDITION_IDS)
def test_committed_without_outputs_or_execution_counts(path: Path) -> None:
    notebook = load(path)
    dirty = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{path.name}: code cells {dirty} carry outputs or execution counts; clear them before committing "
        "(JupyterLab: Edit > Clear Outputs of All Cells, then save)"
    )


@pytest.mark.parametrize("path", ALL_EDITIONS, ids=ALL_EDITION_IDS)
def test_uses_the_cnnlab_kernelspec(path: Path) -> None:
    metadata = load(path).metadata
    assert metadata.get("kernelspec", {}).get("name") == KERNEL_NAME, f"{path.name}: kernelspec is {metadata.get('kernelspec')}"
    assert metadata.get("language_info", {}).get("name") == "typescript", f"{path.name}: language_info is not typescript"


@pytest.mark.parametrize("path", ALL_EDITIONS, ids=ALL_EDITION_IDS)
def test_imports_only_cnnlab_and_tfjs(path: Path) -> None:
    modules = set()
    for cell in load(path).cells:
        if cell.cell_type == "code":
            modules |= set(re.findall(r"""\bfrom\s+["']([^"']+)["']""", cell.source))
            modules |= set(re.findall(r"""\brequire\(\s*["']([^"']+)["']\s*\)""", cell.source))
            modules |= set(re.findall(r"""^\s*import\s+["']([^"']+)["']""", cell.source, re.MULTILINE))
    assert modules, f"{path.name} imports nothing"
    assert modules <= ALLOWED_IMPORTS, f"{path.name} imports {sorted(modules - ALLOWED_IMPORTS)}; lessons import only {sorted(ALLOWED_IMPORTS)}"


@pytest.mark.parametrize("path", LESSONS, ids=LESSON_IDS)
def test_ends_with_exercises_whose_solutions_are_hidden(path: Path) -> None:
    cells = load(path).cells
    solutions = [cell for cell in cells if "solution" in cell.metadata.get("tags", [])]
    assert 2 <= len(solutions) <= 3, f"{path.name}: {len(solutions)} solution cells; each lesson ends with 2–3 exercises"
    for cell in solutions:
        assert cell.cell_type == "code", f"{path.name}: a solution cell is {cell.cell_type}, not code"
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, f"{path.name}: a solution's input is not hidden"
    exercise_headings = [heading for heading in headings(load(path)) if heading.lower().startswith("exercises")]
    assert exercise_headings, f"{path.name}: no 'Exercises' heading"


@pytest.mark.parametrize("path", LESSONS, ids=LESSON_IDS)
def test_gives_the_korean_term_for_key_terms(path: Path) -> None:
    markdown = "\n".join(cell.source for cell in load(path).cells if cell.cell_type == "markdown")
    assert re.search(r"\([^)]*[\uac00-\ud7a3][^)]*\)", markdown), f"{path.name}: no Korean term in parentheses"


def test_every_seed_topic_is_a_heading_of_some_lesson() -> None:
    all_headings = [heading for path in LESSONS for heading in headings(load(path))]
    written = {path.name[:2] for path in LESSONS}
    missing = [
        topic
        for topic, (pattern, lesson) in SEED_TOPICS.items()
        if lesson in written and not any(re.search(pattern, heading, re.IGNORECASE) for heading in all_headings)
    ]
    assert not missing, f"seed topics with no heading in any lesson: {missing}"


# ---------------------------------------------------------------------------------------------------------------
# Execution: Restart & Run All through the cnnlab kernel, fast mode.


@pytest.mark.parametrize("name", EDITION_IDS)
def test_runs_top_to_bottom_without_errors(name: str) -> None:
    notebook = executed(name)
    failures = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                failures.append(f"cell {index}: {describe_error(output)}\n--- source ---\n{cell.source[:600]}")
    assert not failures, f"{name}: " + "\n\n".join(failures)


@pytest.mark.parametrize("name", EDITION_IDS)
def test_shows_a_picture_and_a_plotly_figure(name: str) -> None:
    produced = outputs(executed(name))
    rich = [output.get("data", {}) for output in produced if output.output_type in ("display_data", "execute_result")]
    assert any("image/png" in data for data in rich), f"{name} produced no image/png output"
    assert any(PLOTLY_MIME in data for data in rich), f"{name} produced no {PLOTLY_MIME} output"


# Issue 15: the lessons' explorers (widgets) and what their output area must show after the first drawing.
EXPLORERS = {
    "02-convolution": "image/png",
    "03-activation": PLOTLY_MIME,
    "04-subsampling-and-receptive-field": "image/png",
    "08-deeper-and-wider": PLOTLY_MIME,
}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def widget_outputs(states: dict, model_id: str) -> list[dict]:
    """The outputs of every Output widget inside the widget `model_id` (through box children)."""
    model = states[model_id]
    if model["model_name"] == "OutputModel":
        return list(model["state"]["outputs"])
    found = []
    for child in model["state"].get("children", []):
        found += widget_outputs(states, child.removeprefix("IPY_MODEL_"))
    return found


@pytest.mark.parametrize("name", sorted(EXPLORERS))
@pytest.mark.parametrize("folder", ["", "ko/"])
def test_explorer_draws_its_first_view_without_a_frontend(folder: str, name: str) -> None:
    notebook = executed(folder + name)
    views = [output.data[WIDGET_VIEW] for output in outputs(notebook) if WIDGET_VIEW in output.get("data", {})]
    assert views, f"{name} shows no widget (application/vnd.jupyter.widget-view+json output)"
    # nbclient keeps the widget state of the run in the notebook's metadata, as JupyterLab does when it saves state.
    states = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    drawn = [output for view in views for output in widget_outputs(states, view["model_id"])]
    errors = [f"{output.get('ename')}: {output.get('evalue')}" for output in drawn if output.get("output_type") == "error"]
    assert not errors, f"{name}: the explorer's drawing failed: {errors}"
    assert any(EXPLORERS[name] in output.get("data", {}) for output in drawn), (
        f"{name}: the explorer's output area holds no {EXPLORERS[name]} after its first drawing: "
        f"{[sorted(output.get('data', {})) for output in drawn]}"
    )


@pytest.mark.parametrize("name", sorted(EXPLORERS))
@pytest.mark.parametrize("folder", ["", "ko/"])
def test_html_export_carries_the_explorers_last_view(folder: str, name: str) -> None:
    # nbconvert puts the saved widget state into the page; the widget renderer it loads draws the explorers from it
    # (the browser suite checks that drawing for lesson 01).
    from nbconvert import HTMLExporter

    notebook = executed(folder + name)
    html, _ = HTMLExporter().from_notebook_node(notebook)
    states = notebook.metadata["widgets"][WIDGET_STATE]["state"]
    match = re.search(r'<script type="application/vnd\.jupyter\.widget-state\+json">\s*(.*?)\s*</script>', html, re.DOTALL)
    assert match, f"{name}: the HTML export has no widget state"
    exported = json.loads(match.group(1))["state"]
    views = [output.data[WIDGET_VIEW]["model_id"] for output in outputs(notebook) if WIDGET_VIEW in output.get("data", {})]
    for model_id in views:
        assert f'"model_id": "{model_id}"' in html, f"{name}: the export has no view of widget {model_id}"
        assert widget_outputs(exported, model_id) == widget_outputs(states, model_id), f"{name}: the export's explorer output differs"


@pytest.mark.skipif(not (NOTEBOOKS / "07-lenet5-mnist.ipynb").exists(), reason="lesson 07 is not written yet")
@pytest.mark.parametrize("folder", ["", "ko/"])
def test_lenet_lesson_prints_its_test_accuracy(folder: str) -> None:
    # Printed (console.log, a stream output), not only shown inside the training dashboard: the line a teacher quotes.
    printed = "\n".join(output.get("text", "") for output in outputs(executed(folder + "07-lenet5-mnist")) if output.output_type == "stream")
    lines = [line for line in printed.splitlines() if re.search(r"test accuracy", line, re.IGNORECASE)]
    assert lines, "lesson 07 printed no line containing 'test accuracy'"
    assert any(re.search(r"\d", line) for line in lines), f"lesson 07's test accuracy lines hold no number: {lines}"


@pytest.mark.parametrize("folder", ["", "ko/"])
def test_receptive_field_lesson_trains_a_dilated_net_and_measures_its_field(folder: str) -> None:
    notebook = executed(folder + "04-subsampling-and-receptive-field")
    texts = []
    for output in outputs(notebook):
        texts.append(output.get("text", "") if output.output_type == "stream" else output.get("data", {}).get("text/plain", ""))
    text = "\n".join(texts)
    # Rates 1, 2, 4, 8: r = 1 + 2·(1 + 2 + 4 + 8) = 31, clipped to the 28×28 image when measured by gradients.
    assert re.search(r"^dilated\s+31×31\s+28×28\s*$", text, re.MULTILINE), "lesson 04 shows no measured field of the dilated net"
    assert re.search(r"^plain\s+9×9\s+9×9\s*$", text, re.MULTILINE), "lesson 04 shows no measured field of the plain net"
    assert re.search(r"^dilated\s+\d\.\d+\s+\d\.\d+\s*$", text, re.MULTILINE), "lesson 04 shows no accuracy of the trained dilated net"


@pytest.mark.parametrize("folder", ["", "ko/"])
def test_convolution_lesson_names_each_hand_made_kernel_on_its_tile(folder: str) -> None:
    shown = [output.get("data", {}).get("text/plain", "") for output in outputs(executed(folder + "02-convolution"))]
    bank = [text for text in shown if "four hand-made kernels" in text]
    assert bank, "lesson 02 shows no kernel bank"
    for name in ["vertical edge", "horizontal edge", "blur", "Laplacian"]:
        assert name in bank[0], f"lesson 02's kernel bank does not name '{name}': {bank[0]}"
    assert "out 0" not in bank[0], f"lesson 02's kernel bank still numbers its tiles: {bank[0]}"
