import * as assert from "assert";
import { Progress, progress } from "../../src/display";
import { LiveOutput } from "../../src/display/liveOutput";
import { installFakeHost } from "./fakeHost";

describe("display: live outputs", () => {
  let host: ReturnType<typeof installFakeHost>;
  beforeEach(() => {
    host = installFakeHost();
  });
  afterEach(() => {
    host.remove();
  });

  it("sends at most one update per 200 ms, then always the final state", () => {
    let now = 0;
    const output = new LiveOutput({ now: () => now });
    output.show("first");
    for (let i = 0; i < 100; i++) {
      now += 10; // 100 updates over one second
      output.show(`update ${i}`);
    }
    output.show("final", true);
    const values = host.sent.map((s) => s.value);
    assert.ok(values.length <= 1 + 5 + 1, `sent ${values.length} outputs for 1 s of updates`);
    assert.strictEqual(values[0], "first");
    assert.strictEqual(values[values.length - 1], "final");
    const id = host.sent[0].options?.id;
    assert.ok(id);
    assert.ok(
      host.sent.slice(1).every((s) => s.options?.id === id && s.options?.update === true),
      "updates in place",
    );
  });

  it("sends a held-back update once the interval has passed, to its own output even after the cell ended", async () => {
    const output = new LiveOutput({ minimumIntervalMs: 20 });
    output.show("first");
    output.show("held back");
    assert.strictEqual(host.sent.length, 1);
    host.remove(); // the cell ends: the kernel withdraws its host object
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepStrictEqual(
      host.sent.map((s) => s.value),
      ["first", "held back"],
    );
  });

  it("shows a progress bar with done/total, rate, time left and metrics, updated in place", () => {
    let now = 0;
    const bar = new Progress(10, "epoch 1", () => now);
    for (let i = 0; i < 4; i++) {
      now += 500;
      bar.tick(1, { loss: 1 / (i + 1) });
    }
    const last = host.sent[host.sent.length - 1].bundle!;
    assert.strictEqual(last["text/plain"], "epoch 1 [############..................] 4/10 40% 2/s ETA 0:03 loss 0.25");
    assert.match(last["text/html"]!, /width:40\.0%/);
    now += 1000;
    bar.finish({ loss: 0.1 });
    const final = host.sent[host.sent.length - 1];
    assert.match(final.bundle!["text/plain"], /epoch 1 \[#{12}\.{18}\] 4\/10 40% 1\.33\/s took 0:03 loss 0\.1/);
    assert.strictEqual(final.options?.update, true);
    assert.ok(
      host.sent.every((s) => s.options?.id === host.sent[0].options?.id),
      "one output",
    );
    const count = host.sent.length;
    bar.tick();
    assert.strictEqual(host.sent.length, count, "a finished bar stays as it is");
  });

  it("escapes labels and metric names in the progress bar's HTML", () => {
    const bar = progress({ total: 2, label: "<b>x</b>" });
    bar.finish({ "<i>": 1 });
    const html = host.sent[host.sent.length - 1].bundle!["text/html"]!;
    assert.doesNotMatch(html, /<b>x|<i>/);
    assert.match(html, /&lt;b&gt;x&lt;\/b&gt;/);
  });

  it("rejects a progress bar without a positive total", () => {
    assert.throws(() => progress({ total: 0 }), /positive total/);
    assert.throws(() => progress({} as never), /positive total, e\.g\. progress\(\{ total: 100 \}\)/);
  });
});
