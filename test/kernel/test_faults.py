"""Faults and load (issue 12): the kernel survives each of these and answers the next cell. Bad messages are
rejected and logged, big ones handled, the sockets listen on the connection file's address only, and memory stays
flat over many cells."""
from __future__ import annotations

import json
import re
import os
import signal
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import pytest
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

from kernel_client import collect_until_idle, drain_iopub, execute, wait_reply


@pytest.fixture(scope="module")
def logged_kernel():
    """A kernel whose own log (stderr) goes to a file the tests read."""
    log_path = Path(tempfile.mkdtemp(prefix="cnnlab-faults-")) / "kernel.log"
    log = open(log_path, "w")
    km = KernelManager(kernel_name="cnnlab")
    km.start_kernel(stderr=log)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    try:
        yield km, kc, log_path
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        log.close()


def answers(kc, code: str = "6 * 7", expected: str = "42") -> None:
    run = execute(kc, code, timeout=60)
    assert run.status == "ok", run.reply["content"]
    assert run.result == expected


def wait_for_log(log_path: Path, text: str, timeout: float = 10) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        log = log_path.read_text()
        if text in log:
            return log
        time.sleep(0.05)
    raise AssertionError(f"the kernel log never said {text!r}; it says:\n{log_path.read_text()[-2000:]}")


def raw_frames(session: Session, msg_type: str, content: bytes) -> list[bytes]:
    header = json.dumps(session.msg_header(msg_type), default=str).encode()
    parts = [header, b"{}", b"{}", content]
    return [b"<IDS|MSG>", session.sign(parts)] + parts


def test_malformed_json_is_rejected_and_logged(logged_kernel):
    km, kc, log_path = logged_kernel
    kc.shell_channel.socket.send_multipart(raw_frames(kc.session, "execute_request", b'{"code": "1 +'))
    assert "malformed message" in wait_for_log(log_path, "rejected shell message")
    answers(kc)


@pytest.mark.parametrize("key", [b"not-the-key", b""], ids=["wrong HMAC", "missing HMAC"])
def test_a_bad_signature_is_rejected_and_logged(logged_kernel, key):
    km, kc, log_path = logged_kernel
    before = log_path.read_text().count("rejected shell message")
    forged = Session(key=key, username="intruder")
    forged.send(kc.shell_channel.socket, forged.msg("execute_request", {"code": "process.exit(3)", "silent": False}))
    deadline = time.time() + 10
    while log_path.read_text().count("rejected shell message") == before:
        assert time.time() < deadline, "the forged message was not logged as rejected"
        time.sleep(0.05)
    assert re.search(r"signature|unsigned", log_path.read_text().split("rejected shell message")[-1].splitlines()[0])
    answers(kc)
    assert km.is_alive()


def test_an_unknown_message_type_is_logged_and_ignored(logged_kernel):
    km, kc, log_path = logged_kernel
    kc.session.send(kc.shell_channel.socket, kc.session.msg("frobnicate_request", {}))
    wait_for_log(log_path, "unsupported message type frobnicate_request")
    answers(kc)


def test_a_50_megabyte_message(logged_kernel):
    km, kc, log_path = logged_kernel
    blob = os.urandom(50 * 1024 * 1024)
    msg = kc.session.msg("comm_msg", {"comm_id": uuid.uuid4().hex, "data": {"text": "x" * (1024 * 1024)}})
    t0 = time.time()
    kc.session.send(kc.shell_channel.socket, msg, buffers=[blob])
    answers(kc)
    assert time.time() - t0 < 30


def test_200000_printed_lines_all_arrive_in_order(logged_kernel):
    km, kc, log_path = logged_kernel
    drain_iopub(kc)
    run = execute(kc, "for (let i = 0; i < 200000; i++) console.log(i)", timeout=120)
    assert run.status == "ok"
    lines = run.stdout.splitlines()
    assert len(lines) == 200000 and lines[0] == "0" and lines[-1] == "199999"
    assert lines == [str(i) for i in range(200000)]
    answers(kc)


def test_two_clients_share_one_kernel(logged_kernel):
    km, kc, log_path = logged_kernel
    # Its own session (and so its own socket identity), as a second frontend has.
    other = BlockingKernelClient()
    other.load_connection_info(km.get_connection_info())
    other.start_channels()
    try:
        other.wait_for_ready(timeout=30)
        drain_iopub(kc)
        drain_iopub(other)
        assert execute(kc, "const shared = 'from the first client'").status == "ok"
        run = execute(other, "shared.toUpperCase()")
        assert run.result == "'FROM THE FIRST CLIENT'"
        # The first client sees the second one's execution on iopub (broadcast), but not its shell reply.
        seen = [m for m in drain_iopub(kc, 0.5) if m["msg_type"] == "execute_result"]
        assert seen and seen[-1]["content"]["data"]["text/plain"] == "'FROM THE FIRST CLIENT'"
        answers(kc)
    finally:
        other.stop_channels()


def test_sockets_listen_on_the_connection_file_address_only(logged_kernel):
    km, kc, log_path = logged_kernel
    info = km.get_connection_info()
    ports = {info[name] for name in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")}
    listening = [c for c in psutil.Process(km.provisioner.pid).net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    by_port = {c.laddr.port: c.laddr.ip for c in listening if c.laddr.port in ports}
    assert set(by_port) == ports, f"listening on {sorted(by_port)}, expected {sorted(ports)}"
    assert set(by_port.values()) == {info["ip"]}, by_port


def rss_megabytes(km) -> float:
    """After 2 s idle: the converter thread collects its garbage when idle for 1 s."""
    time.sleep(2)
    return psutil.Process(km.provisioner.pid).memory_info().rss / 2**20


def run_cells(kc, codes: list[str]) -> None:
    """Sends every cell at once and waits for all replies (how Run All feeds a kernel)."""
    pending = {kc.execute(code): code for code in codes}
    deadline = time.time() + 30 + 0.1 * len(codes)
    while pending:
        reply = kc.get_shell_msg(timeout=max(0.01, deadline - time.time()))
        code = pending.pop(reply["parent_header"].get("msg_id"), None)
        if code is not None:
            assert reply["content"]["status"] == "ok", (code, reply["content"])


def test_10000_cells_of_history_and_flat_memory_over_1000_cells(logged_kernel):
    km, kc, log_path = logged_kernel
    answers(kc, "let tally = 0; tally", "0")
    cells = lambda n: [f"tally += {i % 7}; `cell ${{tally}}`" for i in range(n)]
    # Warm-up: code compiled, heaps grown to their working size.
    run_cells(kc, cells(1000))
    at_1000 = rss_megabytes(km)
    run_cells(kc, cells(1000))
    at_2000 = rss_megabytes(km)
    run_cells(kc, cells(8000))
    at_10000 = rss_megabytes(km)
    print(f"RSS after 1,000 / 2,000 / 10,000 cells: {at_1000:.0f} / {at_2000:.0f} / {at_10000:.0f} MB")
    assert at_2000 - at_1000 <= 50, f"RSS grew {at_2000 - at_1000:.1f} MB over 1,000 cells"
    assert (at_10000 - at_2000) / 8 <= 50, f"RSS grew {at_10000 - at_2000:.1f} MB over 8,000 cells"
    drain_iopub(kc)
    reply = wait_reply(kc, kc.history(hist_access_type="tail", n=3, output=True))
    history = reply["content"]["history"]
    assert len(history) == 3 and history[-1][2][0].startswith("tally += ")
    expected = sum(i % 7 for n in (1000, 1000, 8000) for i in range(n))
    answers(kc, "tally", str(expected))
