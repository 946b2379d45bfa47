"""Kernel behaviour beyond jupyter_kernel_test: stdin, comms, HMAC, background errors, restart, rich
display, stop_on_error and the issue-2 smoke test."""
from __future__ import annotations

import time
import uuid
from queue import Empty

import pytest
from jupyter_client.session import Session

from kernel_client import collect_until_idle, drain_iopub, execute, send_shell, wait_reply


def test_smoke_tfjs_and_cnnlab(kc):
    run = execute(
        kc,
        'import * as tf from "@tensorflow/tfjs"; import { version } from "cnnlab";\n'
        "tf.tensor([1,2,3]).sum().dataSync()[0]",
        timeout=120,
    )
    assert run.status == "ok", run.reply["content"]
    assert run.result == "6"


def test_stdin_prompt_round_trip(kc):
    msg_id = kc.execute('const who = prompt("Name? "); console.log("hello " + who)', allow_stdin=True)
    req = kc.get_stdin_msg(timeout=30)
    assert req["msg_type"] == "input_request"
    assert req["content"]["prompt"] == "Name? "
    assert req["parent_header"]["msg_id"] == msg_id
    kc.input("Ada")
    reply = wait_reply(kc, msg_id)
    outputs = collect_until_idle(kc, msg_id)
    assert reply["content"]["status"] == "ok"
    assert "hello Ada" in "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")


def test_stdin_async_input(kc):
    msg_id = kc.execute('const pw = await input("Password: ", { password: true }); pw.length', allow_stdin=True)
    req = kc.get_stdin_msg(timeout=30)
    assert req["content"] == {"prompt": "Password: ", "password": True}
    kc.input("secret")
    reply = wait_reply(kc, msg_id)
    outputs = collect_until_idle(kc, msg_id)
    assert reply["content"]["status"] == "ok"
    assert [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"] == ["6"]


def _iopub_of(kc, msg_id: str, msg_type: str, timeout: float = 10) -> list[dict]:
    return [m for m in collect_until_idle(kc, msg_id, timeout) if m["msg_type"] == msg_type]


def test_comm_frontend_opens(kc):
    run = execute(
        kc,
        'const host = (globalThis as any)[Symbol.for("cnnlab.kernel")];\n'
        'host.comm.registerTarget("echo", (comm: any, data: any) => {\n'
        "  comm.send({ opened: data });\n"
        "  comm.onMsg((d: any) => comm.send({ echo: d }));\n"
        "  comm.onClose(() => console.log('closed'));\n"
        "});",
    )
    assert run.status == "ok", run.reply["content"]
    comm_id = uuid.uuid4().hex
    mid = send_shell(kc, "comm_open", {"comm_id": comm_id, "target_name": "echo", "data": {"x": 1}})
    msgs = _iopub_of(kc, mid, "comm_msg")
    assert [m["content"] for m in msgs] == [{"comm_id": comm_id, "data": {"opened": {"x": 1}}}]

    info_id = kc.comm_info(target_name="echo")
    info = wait_reply(kc, info_id)
    assert info["content"]["status"] == "ok"
    assert info["content"]["comms"] == {comm_id: {"target_name": "echo"}}

    mid = send_shell(kc, "comm_msg", {"comm_id": comm_id, "data": {"y": 2}})
    msgs = _iopub_of(kc, mid, "comm_msg")
    assert [m["content"]["data"] for m in msgs] == [{"echo": {"y": 2}}]

    mid = send_shell(kc, "comm_close", {"comm_id": comm_id, "data": {}})
    collect_until_idle(kc, mid)
    info = wait_reply(kc, kc.comm_info())
    assert comm_id not in info["content"]["comms"]


def test_comm_kernel_opens(kc):
    run = execute(
        kc,
        'const k = (globalThis as any)[Symbol.for("cnnlab.kernel")];\n'
        'const c = k.comm.open("frontend.target", { hello: 1 });\n'
        "c.send({ n: 2 });\n"
        "c.close();",
    )
    assert run.status == "ok", run.reply["content"]
    kinds = [(m["msg_type"], m["content"]) for m in run.outputs if m["msg_type"].startswith("comm_")]
    assert [k for k, _ in kinds] == ["comm_open", "comm_msg", "comm_close"]
    opened = kinds[0][1]
    assert opened["target_name"] == "frontend.target" and opened["data"] == {"hello": 1}
    assert kinds[1][1] == {"comm_id": opened["comm_id"], "data": {"n": 2}}


def test_wrongly_signed_message_is_rejected(kc):
    for key in (b"not-the-key", b""):
        bad = Session(key=key, username=kc.session.username)
        msg = bad.msg("execute_request", {"code": "globalThis.hacked = 1", "silent": False, "store_history": True,
                                          "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        bad.send(kc.shell_channel.socket, msg)
        with pytest.raises(Empty):
            while True:
                reply = kc.get_shell_msg(timeout=1.5)
                assert reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]
        assert all(m["parent_header"].get("msg_id") != msg["header"]["msg_id"] for m in drain_iopub(kc))
    assert execute(kc, "(globalThis as any).hacked ?? 'untouched'").result == "'untouched'"


def test_throw_in_settimeout_is_reported_and_survived(kc):
    run = execute(kc, 'setTimeout(() => { throw new Error("late boom") }, 10); "scheduled"')
    assert run.status == "ok"
    time.sleep(0.3)
    run = execute(kc, "1 + 1")
    assert run.result == "2"
    errors = [m["content"] for m in run.outputs if m["msg_type"] == "error"]
    assert any(e["evalue"] == "late boom" for e in errors), run.outputs


def test_unhandled_rejection_is_reported_and_survived(kc):
    run = execute(kc, 'void Promise.reject(new RangeError("rejected")); await new Promise((r) => setTimeout(r, 100)); 7')
    assert run.result == "7"
    errors = [m["content"] for m in run.outputs if m["msg_type"] == "error"]
    assert any(e["ename"] == "RangeError" and e["evalue"] == "rejected" for e in errors), run.outputs


def test_output_of_outliving_callback_goes_to_running_cell(kc):
    assert execute(kc, 'setTimeout(() => console.log("late output"), 300)').status == "ok"
    run = execute(kc, "await new Promise((r) => setTimeout(r, 700))")
    assert "late output" in run.stdout


def test_rich_execute_result_and_display_update(kc):
    run = execute(kc, '({ [Symbol.for("Jupyter.display")]: async () => ({ "text/html": "<b>x</b>", "text/plain": "x" }) })')
    res = run.of_type("execute_result")
    assert res and res[0]["content"]["data"] == {"text/html": "<b>x</b>", "text/plain": "x"}

    run = execute(kc, 'display("first", { id: "d1" }); display("second", { id: "d1" })')
    shown = run.of_type("display_data")
    updated = run.of_type("update_display_data")
    assert shown[0]["content"]["transient"] == {"display_id": "d1"}
    assert shown[0]["content"]["data"]["text/plain"] == "'first'"
    assert updated[0]["content"]["transient"] == {"display_id": "d1"}
    assert updated[0]["content"]["data"]["text/plain"] == "'second'"


def test_png_bytes_display_as_image(kc):
    run = execute(kc, "Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])")
    data = run.of_type("execute_result")[0]["content"]["data"]
    assert data["image/png"] == "iVBORw0KGgoAAA=="


def test_undefined_last_value_shows_nothing(kc):
    run = execute(kc, "undefined")
    assert run.status == "ok" and run.outputs == []


def test_object_shorthand_of_earlier_cells_names(kc):
    """`{ x }` where an earlier cell declared x (tslab's rewrite to `exports.x` missed shorthands)."""
    setup = "let sx = 1; function sf() { return 2 }; import { basename as sbase } from 'path';"
    assert execute(kc, setup).status == "ok"
    cells = {
        "const so = { sx }; so": "{ sx: 1 }",
        "({ sx, y: 2, nested: { sx } })": "{ sx: 1, y: 2, nested: { sx: 1 } }",
        "(() => ({ sx }))()": "{ sx: 1 }",
        "const sg = () => { return { sx } }; sg()": "{ sx: 1 }",
        "({ sf, sbase }).sf() + ({ sf, sbase }).sbase('/a/b')": "'2b'",
        "const { sa = sx } = {} as { sa?: number }; sa": "1",
        "function sh(sx: string) { return { sx } } sh('own')": "{ sx: 'own' }",
        "({ sx } = { sx: 5 }); sx": "5",
        "({ sx = 7 } = {}); sx": "7",
        "let sx = 'again'; ({ sx })": "{ sx: 'again' }",
    }
    for code, shown in cells.items():
        run = execute(kc, code)
        assert run.status == "ok", (code, run.reply["content"])
        assert run.result == shown, code


def test_ts_error_reports_line_and_column(kc):
    run = execute(kc, 'const n: number = 1;\nconst s: string = n;')
    c = run.reply["content"]
    assert c["status"] == "error" and c["ename"] == "TSError"
    assert c["evalue"].startswith("2:7")


def test_stop_on_error_aborts_queued_executes(kc):
    first = kc.execute('throw new Error("stop")')
    second = kc.execute("1 + 1")
    assert wait_reply(kc, first)["content"]["status"] == "error"
    assert wait_reply(kc, second)["content"]["status"] == "aborted"
    drain_iopub(kc, 0.3)
    first = kc.execute('throw new Error("go on")', stop_on_error=False)
    second = kc.execute("2 + 2")
    assert wait_reply(kc, first)["content"]["status"] == "error"
    assert wait_reply(kc, second)["content"]["status"] == "ok"
    drain_iopub(kc, 0.3)


def test_user_expressions_and_silent(kc):
    assert execute(kc, "const ue = 20").status == "ok"
    run = execute(kc, "ue + 1", silent=True, user_expressions={"double": "ue * 2", "bad": "nope"})
    c = run.reply["content"]
    assert c["user_expressions"]["double"]["data"]["text/plain"] == "40"
    assert c["user_expressions"]["bad"]["status"] == "error"
    assert run.of_type("execute_result") == []


def test_kernel_info(kc):
    reply = wait_reply(kc, kc.kernel_info())
    c = reply["content"]
    assert c["status"] == "ok"
    assert c["protocol_version"] in ("5.3", "5.4")
    assert c["implementation"] == "cnnlab"
    assert c["language_info"]["version"] == "5.0.4"  # tslab's TypeScript fork
    assert c["help_links"]


def test_restart_keeps_working(kernel):
    km, kc = kernel
    assert execute(kc, "const beforeRestart = 1").status == "ok"
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    drain_iopub(kc)
    run = execute(kc, "typeof (globalThis as any).beforeRestart")
    assert run.result == "'undefined'"
    assert execute(kc, "1 + 1").result == "2"


def test_complete_cursor_positions(kc):
    reply = wait_reply(kc, kc.complete("x = Math.flo", 12))
    c = reply["content"]
    assert c["status"] == "ok"
    assert c["matches"] == ["floor"]
    assert (c["cursor_start"], c["cursor_end"]) == (9, 12)
    # Cursor positions count code points: an emoji before the cursor is one position.
    reply = wait_reply(kc, kc.complete('"😀"; Math.flo', 13))
    assert (reply["content"]["cursor_start"], reply["content"]["cursor_end"]) == (10, 13)


def test_inspect_shows_type_and_tsdoc(kc):
    assert execute(kc, "/** Adds one. */\nfunction inc(n: number): number { return n + 1 }").status == "ok"
    reply = wait_reply(kc, kc.inspect("inc(1)", 3))
    data = reply["content"]["data"]
    assert reply["content"]["found"]
    assert "function inc(n: number): number" in data["text/plain"]
    assert "Adds one." in data["text/plain"]


def test_completion_lists_tfjs_ops_before_kernel_name_constants(kc):
    assert execute(kc, 'import * as tf from "@tensorflow/tfjs"', timeout=120).status == "ok"
    reply = wait_reply(kc, kc.complete("tf.", 3))
    matches = reply["content"]["matches"]
    assert matches.index("abs") < matches.index("Tensor") < matches.index("Abs") < matches.index("_FusedMatMul")
    first = matches[:50]
    assert all(m[0].islower() for m in first), first
    assert {"conv2d", "tensor", "layers", "train"} <= set(matches[: matches.index("Tensor")])
