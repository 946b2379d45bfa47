"""Jupyter-client helpers for the cnnlab kernel tests."""
from __future__ import annotations

import time
from queue import Empty
from typing import Any


class Run:
    """The outcome of one execute_request: its reply and the iopub messages it caused (status/execute_input removed)."""

    def __init__(self, reply: dict[str, Any], outputs: list[dict[str, Any]], elapsed: float) -> None:
        self.reply = reply
        self.outputs = outputs
        self.elapsed = elapsed

    @property
    def status(self) -> str:
        return self.reply["content"]["status"]

    def of_type(self, msg_type: str) -> list[dict[str, Any]]:
        return [m for m in self.outputs if m["msg_type"] == msg_type]

    @property
    def result(self) -> str | None:
        res = self.of_type("execute_result")
        return res[0]["content"]["data"].get("text/plain") if res else None

    @property
    def stdout(self) -> str:
        return "".join(m["content"]["text"] for m in self.of_type("stream") if m["content"]["name"] == "stdout")


def wait_reply(kc: Any, msg_id: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.time() + timeout
    while True:
        reply = kc.get_shell_msg(timeout=max(0.01, deadline - time.time()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def collect_until_idle(kc: Any, msg_id: str, timeout: float = 30) -> list[dict[str, Any]]:
    deadline = time.time() + timeout
    out = []
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                return out
            continue
        if msg["msg_type"] == "execute_input":
            continue
        out.append(msg)


def execute(kc: Any, code: str, timeout: float = 60, **kw: Any) -> Run:
    t0 = time.time()
    msg_id = kc.execute(code, **kw)
    reply = wait_reply(kc, msg_id, timeout)
    outputs = collect_until_idle(kc, msg_id, timeout)
    return Run(reply, outputs, time.time() - t0)


def send_shell(kc: Any, msg_type: str, content: dict[str, Any]) -> str:
    """Sends a shell message the client has no method for (comm_open, comm_msg...); returns its msg_id."""
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def drain_iopub(kc: Any, wait: float = 0.1) -> list[dict[str, Any]]:
    msgs = []
    while True:
        try:
            msgs.append(kc.get_iopub_msg(timeout=wait))
        except Empty:
            return msgs
