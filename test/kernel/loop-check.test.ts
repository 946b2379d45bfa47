import assert from "assert";
import { loadConverterModule } from "../../kernel/fast-converter";
import { KeyboardInterrupt, LOOP_CHECK_GLOBAL, LoopCheckGlobal } from "../../kernel/interrupt";

describe("kernel converter: interrupt checks in cell loops", function () {
  this.timeout(120_000);
  const requests = new Int32Array(new SharedArrayBuffer(8));
  let raised = 0;
  const check: LoopCheckGlobal = {
    requests,
    raise() {
      raised++;
      requests[1] = requests[0];
      throw new KeyboardInterrupt();
    },
  };
  before(() => Object.defineProperty(globalThis, LOOP_CHECK_GLOBAL, { value: check, configurable: true }));
  after(() => delete (globalThis as Record<string, unknown>)[LOOP_CHECK_GLOBAL]);

  function run(src: string): Record<string, unknown> {
    const converter = loadConverterModule().createConverter({});
    try {
      const converted = converter.convert("", src);
      assert.deepStrictEqual(converted.diagnostics, [], src);
      const locals: Record<string, unknown> = {};
      new Function("exports", "require", converted.output!)(locals, require);
      return locals;
    } finally {
      converter.close();
    }
  }

  it("leaves every kind of loop's meaning alone when no interrupt is pending", () => {
    const locals = run(
      "let n = 0; outer: for (let i = 0; i < 4; i++) { for (const j of [0, 1, 2]) { if (j === 1) continue outer; n += 10; } }\n" +
        "let w = 0; while (w < 3) w++;\n" +
        "let d = 0; do d++; while (d < 5);\n" +
        "const keys: string[] = []; for (const k in { a: 1, b: 2 }) keys.push(k);\n" +
        "function sum(xs: number[]) { let s = 0; for (const x of xs) s += x; return s; }\n" +
        "const total = sum([1, 2, 3]);",
    );
    assert.deepStrictEqual([locals.n, locals.w, locals.d, locals.keys, locals.total], [40, 3, 5, ["a", "b"], 6]);
    assert.strictEqual(raised, 0);
  });

  it("throws KeyboardInterrupt from an endless loop, also one inside a function, once a request is pending", () => {
    const locals = run(
      "let spins = 0; function spin() { while (true) { spins++; if (spins === 1000) (globalThis as any).request(); } }",
    );
    (globalThis as Record<string, unknown>).request = () => requests[0]++;
    try {
      assert.throws(() => (locals.spin as () => void)(), KeyboardInterrupt);
    } finally {
      delete (globalThis as Record<string, unknown>).request;
    }
    assert.strictEqual(raised, 1);
    assert.strictEqual(locals.spins, 1000, "stopped at the check after the request");
  });
});
