import * as assert from "assert";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  Checkbox,
  Dropdown,
  FloatSlider,
  HBox,
  IntSlider,
  interact,
  Output,
  Text,
  ToggleButtons,
  VBox,
} from "../../src/widgets";
import { installFakeHost } from "../display/fakeHost";

const VIEW = "application/vnd.jupyter.widget-view+json";

describe("widgets: the Jupyter widget protocol from TypeScript", () => {
  let host: ReturnType<typeof installFakeHost>;
  beforeEach(() => {
    host = installFakeHost();
  });
  afterEach(() => {
    host.remove();
  });

  const opened = (commId: string) => host.commMessages.find((m) => m.type === "comm_open" && m.commId === commId);
  const sentOn = (commId: string) =>
    host.commMessages.filter((m) => m.type === "comm_msg" && m.commId === commId).map((m) => m.data);

  it("opens a jupyter.widget comm with the state ipywidgets 8's IntSlider has, layout and style first", () => {
    const slider = new IntSlider({ value: 2, min: 1, max: 3, description: "stride" });
    const open = opened(slider.modelId);
    assert.ok(open);
    assert.strictEqual(open.targetName, "jupyter.widget");
    assert.deepStrictEqual(open.metadata, { version: "2.1.0" });
    const state = open.data.state as Record<string, unknown>;
    assert.deepStrictEqual(open.data.buffer_paths, []);
    assert.strictEqual(state._model_module, "@jupyter-widgets/controls");
    assert.strictEqual(state._model_module_version, "2.0.0");
    assert.strictEqual(state._model_name, "IntSliderModel");
    assert.strictEqual(state._view_name, "IntSliderView");
    assert.deepStrictEqual([state.value, state.min, state.max, state.step, state.description], [2, 1, 3, 1, "stride"]);
    const layoutId = String(state.layout).replace(/^IPY_MODEL_/, "");
    const styleId = String(state.style).replace(/^IPY_MODEL_/, "");
    assert.strictEqual((opened(layoutId)?.data.state as Record<string, unknown>)._model_name, "LayoutModel");
    assert.strictEqual((opened(styleId)?.data.state as Record<string, unknown>)._model_name, "SliderStyleModel");
    const order = host.commMessages.map((m) => m.commId);
    assert.ok(order.indexOf(layoutId) < order.indexOf(slider.modelId), "a model's references exist before it");
  });

  it("displays as the widget-view mime type with the model id, and as text elsewhere", () => {
    const slider = new FloatSlider({ value: 0.5, min: 0, max: 1 });
    const bundle = (slider as unknown as Record<symbol, () => Record<string, unknown>>)[
      Symbol.for("Jupyter.display")
    ]();
    assert.deepStrictEqual(bundle[VIEW], { model_id: slider.modelId, version_major: 2, version_minor: 0 });
    assert.strictEqual(bundle["text/plain"], "FloatSlider(value=0.5)");
  });

  it("applies a frontend update after echoing it, fires the listener, and sends no update back", async () => {
    const slider = new IntSlider({ value: 1, min: 1, max: 5 });
    const seen: number[] = [];
    slider.onChange((value) => seen.push(value));
    const before = sentOn(slider.modelId).length;
    await host.comms.get(slider.modelId)!.receive({ method: "update", state: { value: 4 }, buffer_paths: [] });
    assert.strictEqual(slider.value, 4);
    assert.deepStrictEqual(seen, [4]);
    assert.deepStrictEqual(sentOn(slider.modelId).slice(before), [
      { method: "echo_update", state: { value: 4 }, buffer_paths: [] },
    ]);
  });

  it("sends a kernel-side change as an update, clamped into the slider's range", () => {
    const slider = new IntSlider({ value: 1, min: 0, max: 10 });
    slider.value = 12.4;
    assert.strictEqual(slider.value, 10);
    slider.value = 3.6;
    assert.deepStrictEqual(sentOn(slider.modelId), [
      { method: "update", state: { value: 10 }, buffer_paths: [] },
      { method: "update", state: { value: 4 }, buffer_paths: [] },
    ]);
    slider.value = 4;
    assert.strictEqual(sentOn(slider.modelId).length, 2, "an unchanged value sends nothing");
  });

  it("answers request_state with the whole state", async () => {
    const box = new Checkbox({ value: true, description: "derivative" });
    await host.comms.get(box.modelId)!.receive({ method: "request_state" });
    const [reply] = sentOn(box.modelId);
    assert.strictEqual(reply.method, "update");
    assert.strictEqual((reply.state as Record<string, unknown>).value, true);
    assert.strictEqual((reply.state as Record<string, unknown>)._model_name, "CheckboxModel");
  });

  it("answers request_states on jupyter.widget.control with every live widget", async () => {
    const text = new Text({ value: "1 2 3" });
    const control = await host.openFromFrontend("jupyter.widget.control");
    await control.receive({ method: "request_states" });
    const [reply] = sentOn(control.commId);
    assert.strictEqual(reply.method, "update_states");
    const states = reply.states as Record<string, { model_name: string; state: Record<string, unknown> }>;
    assert.strictEqual(states[text.modelId].model_name, "TextModel");
    assert.strictEqual(states[text.modelId].state.value, "1 2 3");
  });

  it("closes its comm and those of its layout and style", () => {
    const slider = new IntSlider();
    const state = opened(slider.modelId)!.data.state as Record<string, string>;
    slider.close();
    slider.close();
    const closed = host.commMessages.filter((m) => m.type === "comm_close").map((m) => m.commId);
    assert.deepStrictEqual(closed.sort(), [slider.modelId, state.layout.slice(10), state.style.slice(10)].sort());
    assert.ok(slider.closed);
    slider.value = 50;
    assert.strictEqual(sentOn(slider.modelId).length, 0, "a closed widget sends nothing");
  });

  it("keeps selection values in the kernel and syncs the index", async () => {
    const relu = (x: number) => Math.max(0, x);
    const tanh = Math.tanh;
    const choice = new Dropdown({
      options: [
        ["ReLU", relu],
        ["tanh", tanh],
      ] as const,
      value: tanh,
    });
    assert.strictEqual(choice.index, 1);
    assert.deepStrictEqual((opened(choice.modelId)!.data.state as Record<string, unknown>)._options_labels, [
      "ReLU",
      "tanh",
    ]);
    await host.comms.get(choice.modelId)!.receive({ method: "update", state: { index: 0 } });
    assert.strictEqual(choice.value, relu);
    assert.strictEqual(choice.label, "ReLU");
    assert.throws(
      () => new ToggleButtons({ options: ["valid", "same"], value: "full" }),
      /"?full"? is not one of the options \(valid, same\)/,
    );
    assert.throws(() => new Dropdown({ options: [] }), /at least one option/);
  });

  it("refers to children by IPY_MODEL_ id in boxes", () => {
    const a = new IntSlider();
    const b = new Output();
    const row = new HBox([a, b]);
    const state = opened(row.modelId)!.data.state as Record<string, unknown>;
    assert.deepStrictEqual(state.children, [`IPY_MODEL_${a.modelId}`, `IPY_MODEL_${b.modelId}`]);
    assert.throws(() => new VBox([a, 3 as never]), /every child must be a widget/);
  });

  it("interact: draws at once, then once for a burst of changes, with the last values", async () => {
    const size = new IntSlider({ value: 1, min: 1, max: 20 });
    const calls: number[] = [];
    const explorer = interact({ size }, ({ size }) => {
      calls.push(size);
      return `size ${size}`;
    });
    await explorer.rendered;
    assert.deepStrictEqual(calls, [1]);
    assert.deepStrictEqual(explorer.output.outputs, [
      { output_type: "display_data", data: { "text/plain": "'size 1'" }, metadata: {} },
    ]);
    for (let value = 2; value <= 12; value++)
      await host.comms.get(size.modelId)!.receive({ method: "update", state: { value } });
    await new Promise((resolve) => setTimeout(resolve, 80));
    await explorer.rendered;
    assert.deepStrictEqual(calls, [1, 12], "no stale drawing for the values dragged past");
    assert.strictEqual(
      (explorer.output.outputs[0] as { data: Record<string, unknown> }).data["text/plain"],
      "'size 12'",
    );
  });

  it("interact: a change while a drawing runs is drawn after it, once", async () => {
    const n = new IntSlider({ value: 0, max: 100 });
    const calls: number[] = [];
    let release: () => void = () => undefined;
    const explorer = interact(
      { n },
      async ({ n }) => {
        calls.push(n);
        if (n === 1) await new Promise<void>((resolve) => (release = resolve));
        return n;
      },
      { debounceMs: 0, tidy: false },
    );
    await explorer.rendered;
    n.value = 1;
    await new Promise((resolve) => setTimeout(resolve, 10));
    n.value = 2;
    n.value = 3;
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await explorer.rendered;
    assert.deepStrictEqual(calls, [0, 1, 3]);
  });

  it("interact: an error in the drawing is shown in the output, and the next change draws again", async () => {
    const k = new IntSlider({ value: 0, max: 3 });
    const explorer = interact(
      { k },
      ({ k }) => {
        if (k === 2) throw new RangeError("kernel larger than the image");
        return k;
      },
      { debounceMs: 0 },
    );
    k.value = 2;
    await new Promise((resolve) => setTimeout(resolve, 10));
    await explorer.rendered;
    const [error] = explorer.output.outputs;
    assert.strictEqual(error.output_type, "error");
    assert.deepStrictEqual(
      [(error as { ename: string }).ename, (error as { evalue: string }).evalue],
      ["RangeError", "kernel larger than the image"],
    );
    k.value = 3;
    await new Promise((resolve) => setTimeout(resolve, 10));
    await explorer.rendered;
    assert.strictEqual(explorer.output.outputs[0].output_type, "display_data");
  });

  describe("interact and tensors", () => {
    let previous: string;
    before(async () => {
      previous = tf.getBackend();
      await tf.setBackend("cpu");
    });
    after(async () => {
      if (previous) await tf.setBackend(previous);
    });

    it("frees the tensors each drawing makes, also a returned one, but not one that existed before", async () => {
      const image = tf.ones([4, 4]);
      const scale = new IntSlider({ value: 1, max: 9 });
      const before = tf.memory().numTensors;
      const explorer = interact({ scale }, ({ scale }) => (scale === 3 ? image : tf.ones([4, 4]).mul(scale)), {
        debounceMs: 0,
      });
      await explorer.rendered;
      for (const value of [2, 3, 4]) {
        scale.value = value;
        await new Promise((resolve) => setTimeout(resolve, 5));
        await explorer.rendered;
      }
      assert.strictEqual(explorer.renderCount, 4);
      assert.strictEqual(tf.memory().numTensors, before, "no tensor left behind by four drawings");
      assert.ok(!image.isDisposed, "the lesson's own tensor survives being shown");
      image.dispose();
    });

    it("says what to do when a tidy drawing is async", async () => {
      const n = new IntSlider();
      const explorer = interact({ n }, async ({ n }) => n);
      await explorer.rendered;
      const [error] = explorer.output.outputs as unknown as { output_type: string; evalue: string }[];
      assert.strictEqual(error.output_type, "error");
      assert.match(error.evalue, /returned a promise.*pass \{ tidy: false \}/s);
    });
  });

  it("works without a kernel: state and listeners, no messages", () => {
    host.remove();
    const slider = new IntSlider({ value: 3 });
    let seen = 0;
    slider.onChange((value) => (seen = value));
    slider.value = 7;
    assert.strictEqual(seen, 7);
    assert.match(slider.modelId, /^local-/);
  });
});
