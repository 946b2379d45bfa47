import * as assert from "assert";
import * as fs from "fs";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as layers from "@tensorflow/tfjs-layers";
import { JUPYTER_DISPLAY, type MimeBundle } from "../../src/contract";
import { display, numericTable, registerModelDisplay, show, table } from "../../src/display";
import { installFakeHost } from "./fakeHost";
import { decodePng } from "./pixels";

function bundleOf(value: unknown): MimeBundle {
  return (value as { [JUPYTER_DISPLAY](): MimeBundle })[JUPYTER_DISPLAY]();
}

describe("display: mimebundles", () => {
  // Renderers are checked on cpu; the engine the other suites chose is given back afterwards.
  // (none when this file runs first: then cpu stays).
  let previous: string | undefined;
  before(async () => {
    previous = tf.getBackend();
    await tf.setBackend("cpu");
  });
  after(async () => {
    if (previous !== undefined) await tf.setBackend(previous);
  });

  it("shows a tensor as a PNG plus a text summary with shape, dtype, statistics and NaN/Inf counts", () => {
    const bundle = bundleOf(
      tf.tensor2d([
        [1, 2],
        [3, NaN],
      ]),
    );
    assert.deepStrictEqual(Object.keys(bundle).sort(), ["image/png", "text/plain"]);
    const text = bundle["text/plain"];
    assert.match(text, /float32 \[2,2\]/);
    assert.match(text, /min 1 {2}max 3 {2}mean 2 {2}std 0\.8165/);
    assert.match(text, /NaN 1 {2}Inf 0/);
    assert.match(text, /\[\[ {2}1, {3}2\],\n \[ {2}3, NaN\]\]/);
    assert.ok(Buffer.from(bundle["image/png"]!, "base64").subarray(1, 4).equals(Buffer.from("PNG")));
  });

  it("titles a tensor shown as a cell's value with its dtype and shape, in the picture itself", async () => {
    const tensor = tf.ones([6, 6]);
    const asValue = await decodePng(bundleOf(tensor)["image/png"]!);
    const untitled = await decodePng(show(tensor).picture!.render().png);
    assert.ok(asValue.height > untitled.height, "the picture has a title line above it");
    const titled = await decodePng(
      show(tensor, { title: "float32 tensor [6, 6], every value 1" }).picture!.render().png,
    );
    assert.deepStrictEqual([asValue.width, asValue.height], [titled.width, titled.height]);
    for (let y = 0; y < asValue.height; y += 3) {
      for (let x = 0; x < asValue.width; x += 3)
        assert.deepStrictEqual(asValue.rgb(x, y), titled.rgb(x, y), `pixel ${x},${y}`);
    }
  });

  for (const shape of [[1000, 1000], [1_000_000], [100, 100, 100], [10, 100, 100, 10], [1000, 32, 32, 1]]) {
    it(`keeps the bundle of a ${shape.join("×")} tensor under 200 kB`, () => {
      const tensor = tf.randomNormal(shape, 0, 1, "float32", 7);
      const size = JSON.stringify(bundleOf(tensor)).length;
      tensor.dispose();
      assert.ok(size < 200_000, `bundle is ${size} bytes`);
    });
  }

  it("prints only the first and last values of a large tensor", () => {
    const text = bundleOf(tf.ones([50, 50]))["text/plain"];
    assert.ok(text.length < 300, text);
    assert.doesNotMatch(text, /\[1, 1/);
    assert.match(text, /\nvalues \(flattened\) 1, 1, 1, 1, …, 1, 1, 1, 1$/);
  });

  it("gives clear errors for wrong input to show()", () => {
    assert.throws(() => show(5 as never), /show\(\) expects a tf\.Tensor, got a number/);
    assert.throws(() => show([1, 2] as never), /expects a tf\.Tensor, got an array/);
    assert.throws(() => show(tf.zeros([1, 1, 1, 1, 2])), /rank 0 to 4; got rank 5 \[1,1,1,1,2\].*slice/);
  });

  it("answers a rank-5, empty, string or disposed tensor as a cell value with text, never an exception", () => {
    const rank5 = bundleOf(tf.zeros([1, 2, 1, 1, 2]));
    assert.match(rank5["text/plain"], /no picture for rank above 4/);
    assert.strictEqual(rank5["image/png"], undefined);
    const empty = bundleOf(tf.zeros([0, 3]));
    assert.match(empty["text/plain"], /\[0,3\] \(0 values\)\n\(empty tensor/);
    const strings = bundleOf(tf.tensor(["a", "b"]));
    assert.match(strings["text/plain"], /string/);
    const disposed = tf.ones([2, 2]);
    disposed.dispose();
    assert.match(bundleOf(disposed)["text/plain"], /disposed/);
  });

  it("answers a scalar with its value and no picture", () => {
    const bundle = bundleOf(tf.scalar(3.5));
    assert.match(bundle["text/plain"], /float32 \[\] \(1 value\)[\s\S]*3\.5$/);
    assert.strictEqual(bundle["image/png"], undefined);
  });

  it("shows a model as a layer table, replaceable with registerModelDisplay()", () => {
    const model = layers.sequential({
      layers: [
        layers.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, name: "conv" }),
        layers.layers.flatten({ name: "flat" }),
        layers.layers.dense({ units: 3, name: "out" }),
      ],
    });
    // Another area may have registered its own display (cnnlab's models area does); test the built-in one.
    const registered = registerModelDisplay(undefined);
    try {
      checkLayerTable(model);
    } finally {
      registerModelDisplay(registered);
    }
    model.dispose();
  });

  function checkLayerTable(model: layers.LayersModel): void {
    const bundle = bundleOf(model);
    assert.match(bundle["text/plain"], /3 layers, 2?,?[\d,]+ parameters/);
    assert.match(bundle["text/plain"], /conv\s+Conv2D\s+\[null,6,6,2\]\s+20/);
    assert.match(bundle["text/html"]!, /<td[^>]*>Dense<\/td>/);
    try {
      registerModelDisplay((m) => ({ "text/plain": `custom ${m.layers.length}` }));
      assert.deepStrictEqual(bundleOf(model), { "text/plain": "custom 3" });
    } finally {
      registerModelDisplay(undefined);
    }
    assert.match(bundleOf(model)["text/plain"], /conv\s+Conv2D/);
    // A broken registered display must not take the model's output down with it.
    registerModelDisplay(() => {
      throw new Error("broken");
    });
    assert.match(bundleOf(model)["text/plain"], /conv\s+Conv2D/);
    registerModelDisplay(undefined);
  }

  it("writes counts in a table with thousands separators, as the model summary does", () => {
    const result = table([{ parameters: 60850, "test accuracy": 0.99123, epochs: 15 }]);
    const html = bundleOf(result)["text/html"]!;
    assert.match(html, />60,850</);
    assert.match(html, />0\.9912</);
    assert.match(html, />15</);
    assert.match(String(result), /60,850/);
  });

  it("escapes HTML in tables and aligns their text", () => {
    const result = table(
      [
        { name: "<script>x</script>", value: 1.5 },
        { name: "a&b", value: 10 },
      ],
      { title: "t<1>" },
    );
    const html = bundleOf(result)["text/html"]!;
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /&lt;script&gt;x&lt;\/script&gt;/);
    assert.match(html, /a&amp;b/);
    assert.match(html, /t&lt;1&gt;/);
    assert.strictEqual(
      String(result),
      "t<1>\nname                value\n------------------  -----\n<script>x</script>    1.5\na&b                    10",
    );
    assert.throws(() => table("rows" as never), /array of rows/);
    assert.match(
      String(
        table(
          [
            [1, 2],
            [3, 4],
          ],
          { columns: ["a", "b"] },
        ),
      ),
      /^a {2}b\n-{1} {2}-\n1 {2}2\n3 {2}4$/,
    );
  });

  it("groups the thousands of integers in a table as a model summary does, shapes and fractions aside", () => {
    const result = table([{ model: "LeNet-5", parameters: 60850, MACs: 416520, loss: 0.1234, shape: [null, 1024] }]);
    const html = bundleOf(result)["text/html"]!;
    for (const cell of ["60,850", "416,520", "0.1234", "[null,1024]"]) assert.ok(html.includes(`>${cell}<`), cell);
    assert.match(String(result), /60,850 +416,520 +0\.1234/);
  });

  it("marks a highlighted window in a numeric table, in HTML and in text", () => {
    const input = tf.tensor2d([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
    const result = numericTable(input, { highlight: { row: 1, col: 1, height: 2, width: 2 }, digits: 0 });
    const html = bundleOf(result)["text/html"]!;
    assert.strictEqual(html.match(/data-highlight/g)?.length, 4);
    assert.match(html, /data-highlight="true">6</);
    assert.strictEqual(String(result), "  1   2   3   4\n  5 [ 6][ 7]  8\n  9 [10][11] 12");
    assert.throws(
      () => numericTable(input, { highlight: { row: 2, col: 0, height: 2, width: 1 } }),
      /does not fit in a 3×4 matrix/,
    );
    assert.throws(() => numericTable(tf.zeros([2, 2, 2])), /rank-2 tensor \[rows,columns\], got rank 3/);
  });

  it("sends display() through the kernel host, and updates the same output by id", () => {
    const host = installFakeHost();
    try {
      const handle = display(tf.ones([2, 2]));
      handle.update("second");
      assert.strictEqual(host.sent.length, 2);
      assert.ok(host.sent[0].bundle?.["image/png"], "the kernel formats the tensor through the display symbol");
      assert.deepStrictEqual(host.sent[0].options, { id: handle.id, update: false });
      assert.deepStrictEqual(host.sent[1].options, { id: handle.id, update: true });
      assert.strictEqual(host.sent[1].value, "second");
    } finally {
      host.remove();
    }
  });

  it("writes the picture to a file and prints its path when there is no kernel", () => {
    const printed: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void printed.push(args.join(" "));
    let handle;
    try {
      handle = display(tf.ones([3, 3]));
    } finally {
      console.log = original;
    }
    const match = /picture written to (.+\.png)\)/.exec(printed.join("\n"));
    assert.ok(match, printed.join("\n"));
    assert.ok(match[1].includes(handle.id));
    assert.ok(fs.readFileSync(match[1]).subarray(1, 4).equals(Buffer.from("PNG")));
    fs.unlinkSync(match[1]);
    assert.match(printed[0], /Tensor float32 \[3,3\]/);
  });
});
