"""Drives cnnlab's classroom hub as a class would: start it, make students, run lessons through their servers.

A student's lesson runs the way JupyterLab runs it: a session for the notebook through the user's server
(/user/NAME/api/sessions), then every code cell as an execute_request over the kernel's websocket, collecting what
the kernel publishes on iopub until it is idle again. The hub test (test/hub/test_hub.py) and the class-size
benchmark (bench/hub.py) share it.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import nbformat
import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[2]
CELL_TIMEOUT_SECONDS = 600
KERNEL_SCRIPT = "kernel/main.js"


def free_port_run(count: int = 3) -> int:
    """A port p such that p, p+1 … p+count-1 are free now (the hub uses three consecutive ports)."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            start = probe.getsockname()[1]
        if start + count > 65535:
            continue
        sockets = []
        try:
            for offset in range(count):
                taken = socket.socket()
                sockets.append(taken)
                taken.bind(("127.0.0.1", start + offset))
            return start
        except OSError:
            continue
        finally:
            for taken in sockets:
                taken.close()
    raise RuntimeError("no run of free ports found")


@dataclass
class CellRun:
    source: str
    outputs: list[dict] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class LessonRun:
    student: str
    cells: list[CellRun]
    seconds: float

    def errors(self) -> list[str]:
        return [
            f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
            for index, cell in enumerate(self.cells)
            for output in cell.outputs
            if output["output_type"] == "error"
        ]


class Hub:
    """One running hub from scripts/hub.mjs, with a service token for the REST API; `stop()` removes what it made."""

    def __init__(self, workspace: Path, edition: list[str], account_prefix: str, max_memory: str = "3G") -> None:
        self.workspace = workspace
        self.homes = workspace / "homes"
        self.state = workspace / "state"
        self.port = free_port_run()
        self.url = f"http://127.0.0.1:{self.port}"
        self.account_prefix = account_prefix
        self.max_memory = max_memory
        self.token = secrets.token_hex(32)
        self.log_path = workspace / "hub.log"
        env = {
            **os.environ,
            "CNNLAB_HUB_SERVICE_TOKEN": self.token,
            "CNNLAB_HUB_ACCOUNT_PREFIX": account_prefix,
            "CNNLAB_FAST": os.environ.get("CNNLAB_FAST", "1"),
        }
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            ["node", str(ROOT / "scripts" / "hub.mjs"), "--port", str(self.port), "--homes", str(self.homes),
             "--state", str(self.state), "--max-memory", max_memory, *edition],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.http = AsyncHTTPClient()

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.process.returncode}:\n{self.log_text()[-4000:]}")
            try:
                await self.api("GET", "/hub/api/")
                return
            except (ConnectionError, OSError, HTTPClientError):
                await asyncio.sleep(0.5)
        raise TimeoutError(f"the hub did not answer in {timeout} s:\n{self.log_text()[-4000:]}")

    async def api(self, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
        try:
            return await self._api(method, path, body, token)
        except HTTPClientError as error:
            if error.code >= 500:
                # The reason is in the hub's log, not in the response.
                raise RuntimeError(f"{method} {path}: {error}; the hub's log ends:\n{self.log_text()[-6000:]}") from error
            raise

    async def _api(self, method: str, path: str, body: dict | None, token: str | None) -> dict:
        response = await self.http.fetch(
            HTTPRequest(
                self.url + path,
                method=method,
                headers={"Authorization": f"token {token or self.token}"},
                body=None if body is None and method == "GET" else json.dumps(body or {}),
                allow_nonstandard_methods=True,
                follow_redirects=False,
            )
        )
        return json.loads(response.body) if response.body else {}

    async def add_students(self, names: list[str]) -> list["Student"]:
        await self.api("POST", "/hub/api/users", {"usernames": names})
        await asyncio.gather(*(self.api("POST", f"/hub/api/users/{name}/server") for name in names))
        students = []
        for name in names:
            await self.wait_server(name)
            token = (await self.api("POST", f"/hub/api/users/{name}/tokens", {"note": "hub test", "expires_in": 3600}))
            students.append(Student(self, name, token["token"]))
        return students

    async def wait_server(self, name: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            user = await self.api("GET", f"/hub/api/users/{name}")
            if user.get("server") and not user.get("pending"):
                return
            await asyncio.sleep(0.5)
        raise TimeoutError(f"{name}'s server did not start in {timeout} s:\n{self.log_text()[-4000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            # JupyterHub stops every student's server and the proxy on SIGTERM (cleanup_servers).
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        for entry in pwd.getpwall():
            if entry.pw_name.startswith(self.account_prefix):
                left = [process for process in psutil.process_iter(["username"])
                        if process.info["username"] == entry.pw_name]
                for process in left:
                    process.kill()
                psutil.wait_procs(left, timeout=10)
                removed = subprocess.run(["userdel", "--remove", entry.pw_name], capture_output=True, text=True)
                if removed.returncode not in (0, 12):  # 12: the home was already gone
                    raise RuntimeError(f"could not remove the account {entry.pw_name}: {removed.stderr}")
        shutil.rmtree(self.homes, ignore_errors=True)


class Student:
    """One hub user with an API token, talking to their own server through the hub's proxy."""

    def __init__(self, hub: Hub, name: str, token: str) -> None:
        self.hub = hub
        self.name = name
        self.token = token
        self.account = hub.account_prefix + name

    @property
    def home(self) -> Path:
        return Path(pwd.getpwnam(self.account).pw_dir)

    async def server_api(self, method: str, path: str, body: dict | None = None, as_user: str | None = None) -> dict:
        """A call to a server's REST API, by default this student's own (`as_user` names another's)."""
        return await self.hub.api(method, f"/user/{as_user or self.name}/api{path}", body, token=self.token)

    async def open_notebook(self, path: str) -> tuple[nbformat.NotebookNode, str]:
        """The notebook at `path` in the student's home and the id of the kernel of a new session for it."""
        model = await self.server_api("GET", f"/contents/{quote(path)}?content=1&type=notebook")
        notebook = nbformat.from_dict(model["content"])
        session = await self.server_api(
            "POST",
            "/sessions",
            {"path": path, "name": Path(path).name, "type": "notebook", "kernel": {"name": "cnnlab"}},
        )
        return notebook, session["kernel"]["id"]

    async def run_lesson(self, path: str) -> LessonRun:
        notebook, kernel_id = await self.open_notebook(path)
        cells = [CellRun(cell.source) for cell in notebook.cells if cell.cell_type == "code"]
        started = time.monotonic()
        async with KernelChannels(self, kernel_id) as kernel:
            for cell in cells:
                cell_started = time.monotonic()
                cell.outputs = await kernel.execute(cell.source)
                cell.seconds = time.monotonic() - cell_started
        return LessonRun(self.name, cells, time.monotonic() - started)

    async def run_code(self, code: str, kernel_id: str) -> list[dict]:
        async with KernelChannels(self, kernel_id) as kernel:
            return await kernel.execute(code)

    def processes(self) -> dict[str, list[psutil.Process]]:
        """The student's server and kernel processes, found by their account."""
        found: dict[str, list[psutil.Process]] = {"server": [], "kernel": []}
        for process in psutil.process_iter(["username", "cmdline"]):
            if process.info["username"] != self.account:
                continue
            command = " ".join(process.info["cmdline"] or [])
            if KERNEL_SCRIPT in command:
                found["kernel"].append(process)
            elif "jupyterhub-singleuser" in command:
                found["server"].append(process)
        return found


class KernelChannels:
    """A kernel's websocket (/api/kernels/ID/channels) as JupyterLab opens it, with the user's token."""

    def __init__(self, student: Student, kernel_id: str) -> None:
        self.student = student
        self.kernel_id = kernel_id
        self.session = uuid.uuid4().hex

    async def __aenter__(self) -> "KernelChannels":
        url = (self.student.hub.url.replace("http", "ws", 1)
               + f"/user/{self.student.name}/api/kernels/{self.kernel_id}/channels?session_id={self.session}")
        self.socket = await websocket_connect(
            HTTPRequest(url, headers={"Authorization": f"token {self.student.token}"}), max_message_size=1 << 30
        )
        return self

    async def __aexit__(self, *_: object) -> None:
        self.socket.close()

    async def execute(self, code: str) -> list[dict]:
        """Run one cell; the outputs as nbformat would store them, once the reply and the idle status are in."""
        message_id = uuid.uuid4().hex
        await self.socket.write_message(json.dumps({
            "header": {"msg_id": message_id, "msg_type": "execute_request", "username": self.student.name,
                       "session": self.session, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        outputs: list[dict] = []
        replied = idle = False
        deadline = time.monotonic() + CELL_TIMEOUT_SECONDS
        while not (replied and idle):
            text = await asyncio.wait_for(self.socket.read_message(), timeout=max(1, deadline - time.monotonic()))
            if text is None:
                raise ConnectionError(f"{self.student.name}'s kernel websocket closed during a cell")
            if isinstance(text, bytes):
                continue  # binary frames carry widget buffers; the outputs arrive as JSON
            message = json.loads(text)
            if message.get("parent_header", {}).get("msg_id") != message_id:
                continue
            kind = message["header"]["msg_type"]
            content = message["content"]
            if message["channel"] == "shell" and kind == "execute_reply":
                replied = True
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            elif kind == "stream":
                outputs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
            elif kind in ("display_data", "execute_result"):
                outputs.append({"output_type": kind, "data": content["data"]})
            elif kind == "error":
                outputs.append({"output_type": "error", "ename": content["ename"], "evalue": content["evalue"]})
            elif kind == "clear_output":
                outputs.clear()
        return outputs


def output_shape(outputs: list[dict]) -> list[tuple]:
    """What a cell showed, as kinds: streams merged as JupyterLab merges them, numbers in text masked."""
    shape: list[tuple] = []
    for output in outputs:
        if output["output_type"] == "stream":
            text = re.sub(r"\d+(\.\d+)?", "#", output["text"])
            if shape and shape[-1][:2] == ("stream", output["name"]):
                shape[-1] = ("stream", output["name"], shape[-1][2] + text)
            else:
                shape.append(("stream", output["name"], text))
        elif output["output_type"] == "error":
            shape.append(("error", output["ename"]))
        else:
            shape.append((output["output_type"], tuple(sorted(output["data"]))))
    return shape


def rss_mib(processes: list[psutil.Process]) -> float:
    return sum(process.memory_info().rss for process in processes) / 2**20
