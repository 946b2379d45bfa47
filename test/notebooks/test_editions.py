"""The four editions of every lesson, written by `npm run editions` (scripts/editions.mjs) from notebooks/source/.

Static checks, no kernel: the committed editions are what their sources give, English and Korean share their code,
the student editions hold no solution code and match what nbgrader's own ClearSolutions makes of the instructor
editions, and the build never overwrites an edition someone edited by hand.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = sorted((NOTEBOOKS / "source").glob("[0-9][0-9]-*.ipynb"))
NAMES = [path.name for path in SOURCES]
EDITIONS = {
    ("en", "instructor"): NOTEBOOKS,
    ("ko", "instructor"): NOTEBOOKS / "ko",
    ("en", "student"): NOTEBOOKS / "student",
    ("ko", "student"): NOTEBOOKS / "ko" / "student",
}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
STUB = "// YOUR CODE HERE"


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str, dict]]:
    return [(cell.id, cell.source, cell.metadata) for cell in notebook.cells if cell.cell_type == "code"]


def node(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["node", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_there_is_a_source_for_every_lesson() -> None:
    lessons = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    assert NAMES and NAMES == lessons, f"sources {NAMES} and English lessons {lessons} differ"


def test_committed_editions_are_what_the_sources_give() -> None:
    run = node("scripts/editions.mjs", "--check")
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("audience", ["instructor", "student"])
def test_korean_and_english_share_their_code(name: str, audience: str) -> None:
    english = code_cells(load(EDITIONS[("en", audience)] / name))
    korean = code_cells(load(EDITIONS[("ko", audience)] / name))
    assert english == korean, f"{name}: the {audience} editions' code cells differ between English and Korean"


@pytest.mark.parametrize("name", NAMES)
def test_korean_prose_is_korean_and_keeps_the_structure(name: str) -> None:
    english = [cell for cell in load(NOTEBOOKS / name).cells if cell.cell_type == "markdown"]
    korean = [cell for cell in load(NOTEBOOKS / "ko" / name).cells if cell.cell_type == "markdown"]
    assert [cell.id for cell in english] == [cell.id for cell in korean]
    for en, ko in zip(english, korean):
        assert len(HANGUL.findall(ko.source)) > len(HANGUL.findall(en.source)), f"{name}, cell {ko.id}: not Korean"
        headings = lambda text: [line.split()[0] for line in text.splitlines() if re.match(r"^#{1,6}\s", line)]
        assert headings(en.source) == headings(ko.source), f"{name}, cell {ko.id}: headings differ from the English"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_student_edition_has_blank_answers_and_no_solution_code(name: str, language: str) -> None:
    instructor = load(EDITIONS[(language, "instructor")] / name)
    student = load(EDITIONS[(language, "student")] / name)
    solutions = {cell.id: cell for cell in instructor.cells if "solution" in cell.metadata.get("tags", [])}
    assert 2 <= len(solutions) <= 3, f"{name}: {len(solutions)} exercises"
    for cell in student.cells:
        if cell.id not in solutions:
            continue
        assert STUB in cell.source, f"{name}, cell {cell.id}: no '{STUB}' in the student's exercise cell"
        assert not cell.metadata.get("jupyter", {}).get("source_hidden"), f"{name}, cell {cell.id}: hidden"
        region = solutions[cell.id].source.split("BEGIN SOLUTION", 1)[1].split("END SOLUTION", 1)[0]
        kept = cell.source.splitlines()
        leaked = [line for line in region.splitlines()[1:] if line.strip() and line in kept]
        assert not leaked, f"{name}, cell {cell.id}: solution lines in the student's cell: {leaked}"
    for cell in instructor.cells:
        if cell.id in solutions:
            assert cell.metadata["jupyter"]["source_hidden"] is True, f"{name}, cell {cell.id}: solution not hidden"


@pytest.mark.parametrize("name", NAMES)
def test_each_exercise_has_nbgrader_metadata_and_a_check_after_it(name: str) -> None:
    cells = load(NOTEBOOKS / "student" / name).cells
    lesson = name[:2]
    ids = []
    for index, cell in enumerate(cells):
        grading = cell.metadata.get("nbgrader")
        if grading is None:
            continue
        if grading["solution"]:
            check = cells[index + 1]
            assert check.metadata["nbgrader"]["grade"] and check.metadata["nbgrader"]["locked"]
            assert check.metadata["nbgrader"]["grade_id"] == grading["grade_id"] + "-check"
            assert re.fullmatch(rf'check\.exercise\("{grading["grade_id"]}", [^\n]+\)', check.source.strip())
            ids.append(grading["grade_id"])
    assert ids == [f"{lesson}-{k}" for k in range(1, len(ids) + 1)], f"{name}: exercises {ids}"


@pytest.mark.parametrize("name", NAMES)
def test_student_edition_is_what_nbgrader_generates_from_the_instructor_edition(name: str) -> None:
    from traitlets.config import Config
    from nbgrader.preprocessors import ClearSolutions

    config = Config()
    exec(compile((NOTEBOOKS / "nbgrader_config.py").read_text(), "nbgrader_config.py", "exec"), {"c": config, "get_config": lambda: config})
    cleared, _ = ClearSolutions(config=config).preprocess(load(NOTEBOOKS / name), {"language": "typescript"})
    student = load(NOTEBOOKS / "student" / name)
    assert [cell.source for cell in cleared.cells if cell.cell_type == "code"] == [
        cell.source for cell in student.cells if cell.cell_type == "code"
    ]


# ---------------------------------------------------------------------------------------------------------------
# The build itself, on a scratch copy of one lesson.


@pytest.fixture
def scratch():
    path = Path(tempfile.mkdtemp(prefix="editions-"))
    (path / "notebooks" / "source").mkdir(parents=True)
    shutil.copy(SOURCES[0], path / "notebooks" / "source" / SOURCES[0].name)
    yield path / "notebooks"
    shutil.rmtree(path, ignore_errors=True)


def build(notebooks: Path, *args: str) -> subprocess.CompletedProcess:
    script = f"import({json.dumps(str(ROOT / 'scripts' / 'editions.mjs'))}).then((m) => process.exit(m.build({json.dumps(str(notebooks))}, {{ force: {str('--force' in args).lower()} }})))"
    return node("--input-type=module", "-e", script)


def test_the_build_writes_four_editions_and_then_nothing(scratch: Path) -> None:
    first = build(scratch)
    assert first.returncode == 0, first.stdout
    assert sorted(str(path.relative_to(scratch)) for path in scratch.rglob("*.ipynb") if "source" not in path.parts) == sorted(
        [SOURCES[0].name, f"ko/{SOURCES[0].name}", f"student/{SOURCES[0].name}", f"ko/student/{SOURCES[0].name}"]
    )
    second = build(scratch)
    assert second.returncode == 0 and "all up to date" in second.stdout, second.stdout


def test_an_edition_edited_by_hand_is_not_overwritten(scratch: Path) -> None:
    assert build(scratch).returncode == 0
    edition = scratch / "ko" / SOURCES[0].name
    notebook = json.loads(edition.read_text())
    notebook["cells"][0]["source"] = ["# 내가 고친 제목\n"]
    edition.write_text(json.dumps(notebook, ensure_ascii=False))
    source = scratch / "source" / SOURCES[0].name
    changed = json.loads(source.read_text())
    changed["cells"][0]["source"] = [changed["cells"][0]["source"][0].replace("#", "# ", 1)] + changed["cells"][0]["source"][1:]
    source.write_text(json.dumps(changed))
    refused = build(scratch)
    assert refused.returncode == 1
    assert "edited by hand" in refused.stdout and f"notebooks/ko/{SOURCES[0].name}" in refused.stdout, refused.stdout
    assert "내가 고친 제목" in edition.read_text(), "the hand edit was overwritten"
    assert "--force" in refused.stdout
    forced = build(scratch, "--force")
    assert forced.returncode == 0 and "내가 고친 제목" not in edition.read_text()


def test_a_cell_without_korean_is_named(scratch: Path) -> None:
    source = scratch / "source" / SOURCES[0].name
    notebook = json.loads(source.read_text())
    markdown = next(cell for cell in notebook["cells"] if cell["cell_type"] == "markdown")
    markdown["source"] = ["# Only English\n"]
    source.write_text(json.dumps(notebook))
    run = build(scratch)
    assert run.returncode == 1
    assert f"markdown cell {markdown['id']}" in run.stdout and "<!-- ko -->" in run.stdout, run.stdout
    assert not (scratch / SOURCES[0].name).exists(), "an edition was written from a broken source"


def test_a_solution_without_its_check_is_refused(scratch: Path) -> None:
    source = scratch / "source" / SOURCES[0].name
    notebook = json.loads(source.read_text())
    notebook["cells"] = [cell for cell in notebook["cells"] if "check" not in cell["metadata"].get("tags", [])]
    source.write_text(json.dumps(notebook))
    run = build(scratch)
    assert run.returncode == 1 and "followed at once by its check cell" in run.stdout, run.stdout


def test_the_course_page_gives_every_lesson_its_times_and_the_references() -> None:
    page = (NOTEBOOKS / "README.md").read_text()
    english, korean = page.split("# cnnlab — 강의 안내", 1)
    for part in (english, korean):
        for name in NAMES:
            row = next((line for line in part.splitlines() if line.startswith(f"| {name[:2]} ")), None)
            assert row, f"notebooks/README.md: no row for lesson {name[:2]}"
            cells = [cell.strip() for cell in row.strip("|").split("|")]
            assert len(cells) == 5 and all(cells), f"notebooks/README.md: lesson {name[:2]}'s row is incomplete: {row}"
            assert re.fullmatch(r"[\d.]+ min", cells[3]) and re.fullmatch(r"[\d.]+ min", cells[4]), row
        for reference in ("LeCun", "He", "Ioffe", "Wu", "정리해보기"):
            assert reference in part, f"notebooks/README.md: the references lack {reference}"
    assert "TIME_" not in page
