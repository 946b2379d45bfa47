import assert from "assert";
import fs from "fs";
import os from "os";
import path from "path";
import { loadConverterModule } from "../../kernel/fast-converter";

/** The patched converter (abstract builder) must convert cells exactly like tslab's original. */
describe("kernel fast converter", function () {
  this.timeout(120_000);
  const cells = [
    "let a = 1",
    "const b: string = 'x'; function f(n: number) { return n + a }",
    "interface P { x: number } type Q = P & { y: string }; class C implements P { x = 2 }",
    "const p: P = new C(); f(p.x)",
    "let a = 'redeclared'; a.toUpperCase()",
    "import * as fs from 'fs'; import { join } from 'path'; join('a', 'b')",
    "const t = await Promise.resolve(3); t * 2",
    "const wrong: number = b",
    "enum E { A, B } E.B",
    "import { helper } from './helper'; helper(2)",
    "undefinedName + 1",
  ];

  it("gives the same output, declarations and diagnostics as tslab's converter", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnnlab-conv-"));
    fs.writeFileSync(path.join(dir, "helper.ts"), "export function helper(n: number): number { return n * 10 }\n");
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const fast = loadConverterModule().createConverter({});
      const orig = (require("tslab/dist/converter") as typeof import("tslab/dist/converter")).createConverter({});
      let declFast = "";
      let declOrig = "";
      for (const src of cells) {
        const a = fast.convert(declFast, src);
        const b = orig.convert(declOrig, src);
        assert.deepStrictEqual(
          { ...a, sideOutputs: a.sideOutputs?.map((s) => s.path) },
          { ...b, sideOutputs: b.sideOutputs?.map((s) => s.path) },
          `cell ${JSON.stringify(src)}`,
        );
        if (a.diagnostics.length === 0) {
          declFast = a.declOutput ?? declFast;
          declOrig = b.declOutput ?? declOrig;
        }
      }
      assert.ok(declFast.includes("declare let a: string"), declFast);
      assert.deepStrictEqual(
        fast.complete(declFast, "Math.flo", 8).candidates,
        orig.complete(declOrig, "Math.flo", 8).candidates,
      );
      fast.close();
      orig.close();
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
