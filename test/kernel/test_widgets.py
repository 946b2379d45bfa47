"""Jupyter widgets from TypeScript cells, through a real kernel client playing JupyterLab's widget manager: the comm
messages of widget protocol 2.1 (comm_open with the model state, update, echo_update, request_state, the
jupyter.widget.control target, close), interact()'s output, and widgets across an interrupt and a restart."""
from __future__ import annotations

import time

from kernel_client import collect_until_idle, drain_iopub, execute, send_shell, wait_reply

VIEW = "application/vnd.jupyter.widget-view+json"


def _comm_msgs(messages: list[dict], comm_id: str | None = None) -> list[dict]:
    return [m["content"] for m in messages if m["msg_type"] == "comm_msg" and comm_id in (None, m["content"]["comm_id"])]


def _update(kc, comm_id: str, state: dict) -> tuple[str, list[dict]]:
    msg_id = send_shell(kc, "comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state, "buffer_paths": []}})
    return msg_id, collect_until_idle(kc, msg_id)


def _slider(kc, name: str, options: str) -> tuple[str, dict, list[dict]]:
    run = execute(kc, f'import {{ IntSlider }} from "cnnlab";\nconst {name} = new IntSlider({options});\n{name}', timeout=120)
    assert run.status == "ok", run.reply["content"]
    view = run.of_type("execute_result")[0]["content"]["data"][VIEW]
    opens = {m["content"]["comm_id"]: m for m in run.of_type("comm_open")}
    return view["model_id"], opens, run.outputs


def test_comm_open_carries_the_state_the_widget_manager_expects(kc):
    model_id, opens, outputs = _slider(kc, "stride", '{ value: 2, min: 1, max: 3, description: "stride" }')
    assert model_id in opens
    open_msg = opens[model_id]
    assert open_msg["content"]["target_name"] == "jupyter.widget"
    assert open_msg["metadata"] == {"version": "2.1.0"}
    state = open_msg["content"]["data"]["state"]
    assert open_msg["content"]["data"]["buffer_paths"] == []
    assert (state["_model_module"], state["_model_module_version"], state["_model_name"]) == ("@jupyter-widgets/controls", "2.0.0", "IntSliderModel")
    assert (state["_view_module"], state["_view_name"]) == ("@jupyter-widgets/controls", "IntSliderView")
    assert (state["value"], state["min"], state["max"], state["step"], state["description"]) == (2, 1, 3, 1, "stride")
    # Every reference names a model the frontend already has.
    order = [m["content"]["comm_id"] for m in outputs if m["msg_type"] == "comm_open"]
    for key in ("layout", "style"):
        ref = state[key].removeprefix("IPY_MODEL_")
        assert ref in opens and order.index(ref) < order.index(model_id), key
    assert opens[state["layout"].removeprefix("IPY_MODEL_")]["content"]["data"]["state"]["_model_name"] == "LayoutModel"
    result = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    assert result[VIEW] == {"model_id": model_id, "version_major": 2, "version_minor": 0}
    assert result["text/plain"] == "IntSlider(value=2)"


def test_frontend_update_is_echoed_and_fires_the_listener(kc):
    model_id, _, _ = _slider(kc, "size", "{ value: 1, min: 1, max: 9 }")
    assert execute(kc, "const seen: number[] = [];\nsize.onChange((v) => seen.push(v));").status == "ok"
    msg_id, messages = _update(kc, model_id, {"value": 7})
    echoes = [m for m in messages if m["msg_type"] == "comm_msg"]
    # The echo has the update as its parent: that is how JupyterLab matches it to its own change (protocol 2.1).
    assert [m["content"]["data"] for m in echoes] == [{"method": "echo_update", "state": {"value": 7}, "buffer_paths": []}]
    assert all(m["parent_header"]["msg_id"] == msg_id for m in echoes)
    assert execute(kc, "JSON.stringify([size.value, seen])").result == "'[7,[7]]'"


def test_request_state_and_request_states(kc):
    model_id, _, _ = _slider(kc, "depth", "{ value: 4, min: 1, max: 20 }")
    msg_id = send_shell(kc, "comm_msg", {"comm_id": model_id, "data": {"method": "request_state"}})
    [reply] = _comm_msgs(collect_until_idle(kc, msg_id), model_id)
    assert reply["data"]["method"] == "update"
    assert reply["data"]["state"]["value"] == 4 and reply["data"]["state"]["_model_name"] == "IntSliderModel"
    # A reloaded page asks for every widget at once on the control target.
    control = "c0ffee" * 5 + "00"
    msg_id = send_shell(kc, "comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}})
    collect_until_idle(kc, msg_id)
    msg_id = send_shell(kc, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
    [states] = _comm_msgs(collect_until_idle(kc, msg_id), control)
    assert states["data"]["method"] == "update_states"
    entry = states["data"]["states"][model_id]
    assert entry["model_name"] == "IntSliderModel" and entry["model_module"] == "@jupyter-widgets/controls"
    assert entry["state"]["value"] == 4


def test_close_closes_the_comm(kc):
    model_id, opens, _ = _slider(kc, "closing", "{}")
    run = execute(kc, "closing.close()")
    closed = {m["content"]["comm_id"] for m in run.of_type("comm_close")}
    assert closed == set(opens), "the widget, its layout and its style"
    reply = wait_reply(kc, kc.comm_info(target_name="jupyter.widget"))
    assert model_id not in reply["content"]["comms"]


def test_interact_draws_into_its_output_model(kc):
    run = execute(
        kc,
        'import { interact, IntSlider as Slider } from "cnnlab";\n'
        'const k = new Slider({ value: 3, min: 1, max: 9, description: "k" });\n'
        "const explorer = interact({ k }, ({ k }) => `kernel ${k}×${k}`);\n"
        "explorer",
    )
    assert run.status == "ok", run.reply["content"]
    opens = {m["content"]["comm_id"]: m["content"]["data"]["state"] for m in run.of_type("comm_open")}
    [output_id] = [i for i, s in opens.items() if s["_model_name"] == "OutputModel"]
    slider_id = [i for i, s in opens.items() if s["_model_name"] == "IntSliderModel" and s["description"] == "k"][0]
    drawn = [c["data"]["state"]["outputs"] for c in _comm_msgs(run.outputs, output_id)]
    assert drawn[-1] == [{"output_type": "display_data", "data": {"text/plain": "'kernel 3×3'"}, "metadata": {}}]
    for value in (4, 5, 6, 7):
        _update(kc, slider_id, {"value": value})
    time.sleep(0.3)
    later = [c["data"]["state"]["outputs"] for c in _comm_msgs(drain_iopub(kc, 0.3), output_id)]
    assert later and later[-1][0]["data"]["text/plain"] == "'kernel 7×7'"
    assert len(later) < 4, "a burst of changes is drawn once, not once per change"


def test_interrupt_stops_a_runaway_drawing_and_the_explorer_keeps_working(kernel):
    km, kc = kernel
    run = execute(
        kc,
        'import { interact, IntSlider as Knob } from "cnnlab";\n'
        "const knob = new Knob({ value: 0, max: 5 });\n"
        "const spin = interact({ knob }, ({ knob }) => { if (knob === 5) { while (true) {} } return knob; });\n"
        "spin",
    )
    opens = {m["content"]["comm_id"]: m["content"]["data"]["state"] for m in run.of_type("comm_open")}
    [output_id] = [i for i, s in opens.items() if s["_model_name"] == "OutputModel"]
    knob_id = [i for i, s in opens.items() if s["_model_name"] == "IntSliderModel"][0]
    _update(kc, knob_id, {"value": 5})
    time.sleep(1.0)  # the drawing is spinning now
    assert kc.hb_channel.is_beating()
    km.interrupt_kernel()
    time.sleep(1.0)
    shown = [c["data"]["state"]["outputs"] for c in _comm_msgs(drain_iopub(kc, 0.3), output_id)]
    assert shown and shown[-1][0]["output_type"] == "error" and shown[-1][0]["ename"] == "KeyboardInterrupt", shown
    _update(kc, knob_id, {"value": 2})
    time.sleep(0.3)
    shown = [c["data"]["state"]["outputs"] for c in _comm_msgs(drain_iopub(kc, 0.3), output_id)]
    assert shown and shown[-1][0]["data"]["text/plain"] == "2"


def test_widgets_keep_working_after_an_interrupted_cell(kernel):
    km, kc = kernel
    model_id, _, _ = _slider(kc, "kept", "{ value: 1, max: 10 }")
    assert execute(kc, "let heard = 0;\nkept.onChange((v) => (heard = v));").status == "ok"
    msg_id = kc.execute("while (true) {}")
    time.sleep(1.5)
    km.interrupt_kernel()
    collect_until_idle(kc, msg_id)
    _update(kc, model_id, {"value": 9})
    assert execute(kc, "heard").result == "9"


def test_a_widget_from_before_a_restart_is_closed_cleanly(kernel):
    km, kc = kernel
    model_id, _, _ = _slider(kc, "old", "{ value: 1 }")
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    drain_iopub(kc)
    _, messages = _update(kc, model_id, {"value": 2})
    assert [m["content"] for m in messages if m["msg_type"] == "comm_close"] == [{"comm_id": model_id, "data": {}}]
    assert execute(kc, "1 + 1").result == "2"
