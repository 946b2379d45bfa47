"""The classroom hub (`npm run hub`), tested with a class of four: `npm run test:hub`, also in CI.

It starts the hub from scripts/hub.mjs, makes four students through the REST API, starts their servers, and runs
lesson 01 in fast mode for all four at once through each one's server: a session, then every cell over the
kernel's websocket, as JupyterLab would. Every cell must show what it shows when the lesson runs on one machine
with nbclient; then one student tries to reach another's notebooks. The hub makes system accounts, so it needs
root, as CI has.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import tempfile
from pathlib import Path

import nbformat
import psutil
import pytest
from nbclient import NotebookClient

from hub_driver import ROOT, Hub, LessonRun, Student, output_shape

LESSON = "01-how-a-network-learns.ipynb"
STUDENTS = ["ada", "grace", "alan", "edsger"]
PREFIX = "cnnlabtest-"
MAX_MEMORY = "2G"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="the classroom hub makes a system account per student, which needs root"
)


@pytest.fixture(scope="module")
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def hub(loop):
    with tempfile.TemporaryDirectory(prefix="cnnlab-hub-test-") as workspace:
        os.chmod(workspace, 0o755)  # the students' homes are made inside it
        hub = Hub(Path(workspace), ["--lang", "en", "--instructor"], PREFIX, MAX_MEMORY)
        try:
            loop.run_until_complete(hub.wait_ready())
            yield hub
        finally:
            hub.stop()


@pytest.fixture(scope="module")
def students(hub, loop) -> list[Student]:
    return loop.run_until_complete(hub.add_students(STUDENTS))


@pytest.fixture(scope="module")
def lesson_runs(students, loop) -> list[LessonRun]:
    async def everyone() -> list[LessonRun]:
        return await asyncio.gather(*(student.run_lesson(f"cnnlab/{LESSON}") for student in students))

    return loop.run_until_complete(everyone())


@pytest.fixture(scope="module")
def alone() -> list[list[tuple]]:
    """Lesson 01 on this machine without the hub: nbclient from notebooks/."""
    notebook = nbformat.read(ROOT / "notebooks" / LESSON, as_version=4)
    # The kernel gets the environment a student's kernel gets on the hub: fast mode and the hub's memory cap.
    saved = dict(os.environ)
    os.environ.update({"CNNLAB_FAST": os.environ.get("CNNLAB_FAST", "1"), "CNNLAB_MAX_MEMORY": MAX_MEMORY})
    try:
        client = NotebookClient(notebook, kernel_name="cnnlab", timeout=600,
                                resources={"metadata": {"path": str(ROOT / "notebooks")}})
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return [output_shape(cell.outputs) for cell in notebook.cells if cell.cell_type == "code"]


def test_every_student_gets_an_account_with_a_private_home_and_the_lessons(students) -> None:
    for student in students:
        home = student.home
        assert home.owner() == student.account
        assert stat.S_IMODE(home.stat().st_mode) == 0o700, f"{home} is open to other accounts"
        lessons = sorted(path.name for path in (home / "cnnlab").glob("*.ipynb"))
        assert lessons == sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def test_four_students_run_lesson_01_at_once_and_see_what_it_shows_alone(lesson_runs, alone) -> None:
    for run in lesson_runs:
        assert not run.errors(), f"{run.student}: " + "\n".join(run.errors())
        shown = [output_shape(cell.outputs) for cell in run.cells]
        assert len(shown) == len(alone)
        for index, (cell, expected) in enumerate(zip(shown, alone)):
            assert cell == expected, f"{run.student}, code cell {index}:\n{run.cells[index].source[:300]}"
        pictures = [output["data"]["image/png"] for cell in run.cells for output in cell.outputs
                    if "image/png" in output.get("data", {})]
        assert pictures, f"{run.student} saw no picture"
    print("\nlesson 01 (fast) with four students at once: "
          + ", ".join(f"{run.student} {run.seconds:.1f} s" for run in lesson_runs))


def test_a_student_cannot_reach_another_students_notebooks(students, lesson_runs, loop) -> None:
    ada, grace = students[0], students[1]
    theirs = grace.home / "cnnlab" / LESSON

    async def attempts():
        # Through the hub: ada's token does not open grace's server.
        refused = []
        for method, path in [("GET", f"/contents/cnnlab/{LESSON}"), ("PUT", "/contents/cnnlab/planted.ipynb")]:
            try:
                await ada.server_api(method, path, {"type": "notebook", "content": {}} if method == "PUT" else None,
                                     as_user=grace.name)
            except Exception as error:  # noqa: BLE001 (the HTTP error is what is checked)
                refused.append(getattr(error, "code", None))
        # From ada's own kernel, which runs code: the operating system refuses grace's files.
        _, kernel_id = await ada.open_notebook(f"cnnlab/{LESSON}")
        code = f"""
const fs = require("fs");
const tries = {{
  read: () => fs.readFileSync({json.dumps(str(theirs))}, "utf8"),
  list: () => fs.readdirSync({json.dumps(str(grace.home))}),
  write: () => fs.writeFileSync({json.dumps(str(grace.home / "planted.txt"))}, "ada was here"),
  own: () => fs.readFileSync({json.dumps(str(ada.home / "cnnlab" / LESSON))}, "utf8").length > 0,
  hub: () => fs.readdirSync({json.dumps(str(ada.hub.state))}),
}};
console.log(JSON.stringify(Object.fromEntries(Object.entries(tries).map(([name, attempt]) => {{
  try {{ return [name, String(attempt())]; }} catch (error) {{ return [name, error.code]; }}
}}))));
"""
        outputs = await ada.run_code(code, kernel_id)
        return refused, outputs

    refused, outputs = loop.run_until_complete(attempts())
    assert refused == [403, 403], f"grace's server answered ada's token with {refused}"
    text = "".join(output.get("text", "") for output in outputs)
    assert json.loads(text) == {"read": "EACCES", "list": "EACCES", "write": "EACCES", "own": "true", "hub": "EACCES"}
    assert not (grace.home / "planted.txt").exists()


def test_a_restart_keeps_the_students_own_notebooks_and_brings_back_a_deleted_lesson(hub, students, lesson_runs, loop) -> None:
    alan = students[2]
    own = alan.home / "cnnlab" / LESSON
    deleted = alan.home / "cnnlab" / "00-tensors-and-images.ipynb"

    async def restart() -> None:
        await hub.api("DELETE", f"/hub/api/users/{alan.name}/server")
        while (await hub.api("GET", f"/hub/api/users/{alan.name}")).get("server"):
            await asyncio.sleep(0.5)
        own.write_text(own.read_text() + "\n", encoding="utf-8")  # the student's edit
        deleted.unlink()
        await hub.api("POST", f"/hub/api/users/{alan.name}/server")
        await hub.wait_server(alan.name)

    edited = own.read_text() + "\n"
    loop.run_until_complete(restart())
    assert own.read_text() == edited, "a restart overwrote the student's notebook"
    assert deleted.read_text() == (ROOT / "notebooks" / deleted.name).read_text()


def test_the_hub_keeps_its_secrets_out_of_the_repository_and_listens_on_loopback(hub, students) -> None:
    for secret in ["jupyterhub_cookie_secret", "room-password", "teacher-password"]:
        path = hub.state / secret
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} is readable by other accounts"
        value = path.read_text().strip()
        tracked = subprocess.run(["git", "grep", "-l", "-F", value], cwd=ROOT, capture_output=True, text=True)
        assert tracked.stdout == "", f"the {secret} is in tracked files: {tracked.stdout}"
    assert stat.S_IMODE(hub.state.stat().st_mode) == 0o700
    assert "Generating new CONFIGPROXY_AUTH_TOKEN" in hub.log_text()
    listening = {
        connection.laddr.port: connection.laddr.ip
        for connection in psutil.net_connections("inet")
        if connection.status == psutil.CONN_LISTEN and hub.port <= connection.laddr.port <= hub.port + 2
    }
    assert listening == {port: "127.0.0.1" for port in (hub.port, hub.port + 1, hub.port + 2)}


def test_every_kernel_has_the_hubs_memory_cap(students, loop) -> None:
    async def attempt() -> list[dict]:
        _, kernel_id = await students[0].open_notebook(f"cnnlab/{LESSON}")
        code = """
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "cnnlab";
await useBestBackend();
console.log(process.env.CNNLAB_MAX_MEMORY);
tf.randomNormal([40000, 40000]);
"""
        return await students[0].run_code(code, kernel_id)

    outputs = loop.run_until_complete(attempt())
    printed = "".join(output.get("text", "") for output in outputs if output["output_type"] == "stream")
    assert printed.strip().splitlines()[-1] == MAX_MEMORY
    errors = [output for output in outputs if output["output_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "MemoryCapError", outputs
    assert f"CNNLAB_MAX_MEMORY={MAX_MEMORY}" in errors[0]["evalue"]


def test_the_file_browser_shows_the_lessons_not_the_module_link(students, loop) -> None:
    listing = loop.run_until_complete(students[0].server_api("GET", "/contents/"))
    names = {entry["name"] for entry in listing["content"]}
    assert "cnnlab" in names and "node_modules" not in names, names
    assert (students[0].home / "node_modules").is_symlink()
