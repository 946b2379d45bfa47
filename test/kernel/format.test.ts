import assert from "assert";
import type { FormattedOutput } from "../../src/contract";
import { format, imageMimeType } from "../../kernel/format";

describe("kernel format()", () => {
  it("uses the Jupyter.display method first", () => {
    const v = { [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>x</b>" }) };
    assert.deepStrictEqual(format(v), { data: { "text/html": "<b>x</b>" }, metadata: {} });
  });

  it("awaits a Jupyter.display method that returns a Promise", async () => {
    const v = { [Symbol.for("Jupyter.display")]: async () => ({ "text/markdown": "# hi" }) };
    const out = format(v);
    assert.ok(out instanceof Promise);
    assert.deepStrictEqual(await out, { data: { "text/markdown": "# hi" }, metadata: {} });
  });

  it("base64-encodes bytes inside a display bundle", () => {
    const v = { [Symbol.for("Jupyter.display")]: () => ({ "image/png": new Uint8Array([1, 2, 3]) }) };
    assert.strictEqual((format(v) as FormattedOutput).data["image/png"], "AQID");
  });

  it("recognises PNG and JPEG bytes by magic number", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
    assert.strictEqual(imageMimeType(png), "image/png");
    assert.strictEqual(imageMimeType(jpeg), "image/jpeg");
    assert.strictEqual(imageMimeType(new Uint8Array([1, 2, 3])), undefined);
    const b = format(png) as FormattedOutput;
    assert.strictEqual(b.data["image/png"], png.toString("base64"));
    assert.ok(typeof b.data["text/plain"] === "string");
    assert.ok("image/jpeg" in (format(jpeg) as FormattedOutput).data);
  });

  it("falls back to util.inspect text with limits", () => {
    assert.deepStrictEqual(format(6), { data: { "text/plain": "6" }, metadata: {} });
    assert.strictEqual((format("ab") as FormattedOutput).data["text/plain"], "'ab'");
    const big = (format(Array.from({ length: 1000 }, (_, i) => i)) as FormattedOutput).data["text/plain"] as string;
    assert.ok(big.includes("more items"));
    const deep = (format({ a: { b: { c: { d: { e: { f: 1 } } } } } }) as FormattedOutput).data["text/plain"] as string;
    assert.ok(deep.includes("[Object]"));
  });

  it("plain bytes without an image signature are text", () => {
    assert.deepStrictEqual(Object.keys((format(new Uint8Array([1, 2])) as FormattedOutput).data), ["text/plain"]);
  });
});
