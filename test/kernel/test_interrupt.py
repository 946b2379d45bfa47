"""Interrupts stop a cell within a second and keep state; a cell that stops part-way keeps what it declared; top-level
`for await` and `await` inside expressions. Through a real kernel client (JupyterLab interrupts with interrupt_request
on control: the kernelspec's interrupt_mode is "message")."""
from __future__ import annotations

import time

from kernel_client import collect_until_idle, drain_iopub, execute, wait_reply


def started(kc, msg_id: str, timeout: float = 30) -> None:
    """Waits for the execute_input of msg_id (the cell is about to run)."""
    deadline = time.time() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.time()))
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
            return


def interrupt_and_time(km, kc, code: str) -> tuple[dict, float]:
    msg_id = kc.execute(code)
    started(kc, msg_id)
    time.sleep(1.0)  # past type-checking: the loop is running
    # The heartbeat lives in a worker thread: it keeps beating while the cell blocks the main thread.
    assert kc.hb_channel.is_beating()
    t0 = time.time()
    km.interrupt_kernel()
    reply = wait_reply(kc, msg_id, timeout=10)
    outputs = collect_until_idle(kc, msg_id, timeout=10)
    elapsed = time.time() - t0
    return {"reply": reply, "outputs": outputs}, elapsed



def assert_interrupted_within_a_second(res: dict, elapsed: float) -> None:
    content = res["reply"]["content"]
    assert content["status"] == "error" and content["ename"] == "KeyboardInterrupt", content
    assert elapsed < 1.0, f"idle {elapsed:.3f}s after the interrupt"


def test_interrupt_sync_loop(kernel):
    km, kc = kernel
    drain_iopub(kc)
    assert execute(kc, "let kept = 41").status == "ok"
    res, elapsed = interrupt_and_time(km, kc, "while (true) {}")
    assert_interrupted_within_a_second(res, elapsed)
    assert [m["content"]["ename"] for m in res["outputs"] if m["msg_type"] == "error"] == ["KeyboardInterrupt"]
    assert execute(kc, "kept + 1").result == "42"


def test_interrupt_async_loop(kernel):
    km, kc = kernel
    drain_iopub(kc)
    assert execute(kc, "let ticks = 0").status == "ok"
    res, elapsed = interrupt_and_time(km, kc, "for (;;) { ticks++; await new Promise((r) => setTimeout(r, 10)); }")
    assert_interrupted_within_a_second(res, elapsed)
    first = int(execute(kc, "ticks").result)
    assert first > 0
    time.sleep(0.3)
    assert int(execute(kc, "ticks").result) == first, "the awaited loop kept running after the interrupt"


def test_interrupt_when_signal_ignored_keeps_state(kernel):
    km, kc = kernel
    drain_iopub(kc)
    assert execute(kc, "const before = 'still here'").status == "ok"
    res, elapsed = interrupt_and_time(
        km, kc, "await new Promise<void>((resolve) => { setInterval(() => {}, 5); })"
    )
    assert_interrupted_within_a_second(res, elapsed)
    assert execute(kc, "before").result == "'still here'"


def test_interrupt_loop_after_await(kernel):
    km, kc = kernel
    drain_iopub(kc)
    assert execute(kc, "const survivor = 'kept'").status == "ok"
    res, elapsed = interrupt_and_time(km, kc, "await new Promise((r) => setTimeout(r, 50)); while (true) {}")
    assert_interrupted_within_a_second(res, elapsed)
    assert execute(kc, "survivor").result == "'kept'"


def test_interrupt_loop_in_a_timer_callback(kernel):
    km, kc = kernel
    drain_iopub(kc)
    run = execute(kc, "let spins = 0; setTimeout(() => { for (;;) spins++; }, 50); 'scheduled'")
    assert run.result == "'scheduled'"
    time.sleep(1.0)  # the callback now holds the thread
    assert kc.hb_channel.is_beating()
    t0 = time.time()
    km.interrupt_kernel()
    after = execute(kc, "spins > 0", timeout=10)
    assert time.time() - t0 < 1.0 + after.elapsed
    assert after.result == "true"
    assert after.elapsed < 1.0, f"the next cell waited {after.elapsed:.3f}s"
    # Nothing of the stopped callback is reported as this cell's error.
    assert after.status == "ok" and not after.of_type("error")


def test_interrupt_pending_promise(kernel):
    km, kc = kernel
    drain_iopub(kc)
    res, elapsed = interrupt_and_time(km, kc, "await new Promise(() => {})")
    assert_interrupted_within_a_second(res, elapsed)


def test_interrupt_train_completes_the_cell_and_keeps_its_result(kernel):
    km, kc = kernel
    drain_iopub(kc)
    setup = execute(
        kc,
        'import * as tf from "@tensorflow/tfjs";\n'
        'import { train, syntheticShapes } from "cnnlab";\n'
        "const shapes = syntheticShapes({ count: 256, size: 16 });\n"
        "const net = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [16, 16, 1] }),\n"
        "  tf.layers.dense({ units: shapes.classes, activation: 'softmax' })] });",
        timeout=120,
    )
    assert setup.status == "ok", setup.reply["content"]
    res, elapsed = interrupt_and_time(km, kc, "const history = await train(net, shapes, { epochs: 10000, batchSize: 8, fast: false })")
    assert res["reply"]["content"]["status"] == "ok", res["reply"]["content"]
    assert elapsed < 1.0, f"idle {elapsed:.3f}s after the interrupt"
    last_view = [m for m in res["outputs"] if m["msg_type"] in ("display_data", "update_display_data")][-1]
    assert "interrupted" in last_view["content"]["data"]["text/plain"]
    assert execute(kc, "history.stopReason").result == "'interrupted'"


def test_a_cell_that_throws_keeps_what_it_declared_before(kc):
    run = execute(
        kc,
        'import * as os from "os";\n'
        "const keep = 41; let counter = 1; function two() { return 2; } class Three { value = 3; }\n"
        "throw new Error('stop here');\n"
        "const unreached = 1;",
    )
    assert run.status == "error" and run.reply["content"]["evalue"] == "stop here"
    assert execute(kc, "keep + counter + two() + new Three().value + os.EOL.length").result == "48"
    missing = execute(kc, "unreached")
    assert missing.status == "error" and "Cannot find name 'unreached'" in missing.reply["content"]["evalue"]


def test_a_redeclaration_that_did_not_run_leaves_the_earlier_value_and_type(kc):
    assert execute(kc, "const word = 'old'").status == "ok"
    run = execute(kc, "if (Math.random() >= 0) throw new Error('early');\nconst word = 5;")
    assert run.status == "error"
    assert execute(kc, "word.toUpperCase()").result == "'OLD'"


def test_an_interrupted_cell_keeps_what_it_declared_before_the_loop(kernel):
    km, kc = kernel
    drain_iopub(kc)
    res, _ = interrupt_and_time(km, kc, "const answer = 42; let later = 0;\nwhile (true) { later++; }")
    assert res["reply"]["content"]["ename"] == "KeyboardInterrupt"
    assert execute(kc, "answer").result == "42"
    assert int(execute(kc, "later").result) > 0


def test_top_level_for_await(kc):
    run = execute(kc, "async function* count() { yield 1; yield 2; }\nfor await (const v of count()) console.log(v)")
    assert run.status == "ok", run.reply["content"]
    assert run.stdout == "1\n2\n"


def test_top_level_await_inside_expressions(kc):
    assert execute(kc, "`${await Promise.resolve(40) + 2}`").result == "'42'"
    assert execute(kc, "({ a: await Promise.resolve(1), b: [await Promise.resolve(2)] })").result == "{ a: 1, b: [ 2 ] }"
    assert execute(kc, "const fromAwait = { v: await Promise.resolve('x') }; fromAwait.v").result == "'x'"
