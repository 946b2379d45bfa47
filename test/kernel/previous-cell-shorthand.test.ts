import assert from "assert";
import { loadConverterModule } from "../../kernel/fast-converter";

/** Converts and runs cells the way the kernel does (one `exports` object shared by all cells). */
function runCells(cells: string[]): unknown[] {
  const converter = loadConverterModule().createConverter({});
  const locals: Record<string, unknown> = {};
  let prevDecl = "";
  try {
    return cells.map((src) => {
      const converted = converter.convert(prevDecl, src);
      assert.deepStrictEqual(converted.diagnostics, [], src);
      new Function("exports", "require", converted.output!)(locals, require);
      prevDecl = converted.declOutput ?? prevDecl;
      const name = converted.lastExpressionVar;
      return name ? locals[name] : undefined;
    });
  } finally {
    converter.close();
  }
}

describe("kernel converter: object shorthand of an earlier cell's names", function () {
  this.timeout(120_000);

  it("expands { x } to the earlier cell's value in every position", () => {
    const values = runCells([
      "let x = 1; function f() { return 2 } import { basename } from 'path';",
      "const o = { x }; o",
      "({ x, y: 2, nested: { x } })",
      "(() => ({ x }))()",
      "const g = () => { return { x } }; g()",
      "({ f, basename }).f() + ({ f, basename }).basename('/a/b')",
      "const { a = x } = {} as { a?: number }; a",
      "function h(x: string) { return { x } } h('own')",
      "({ x } = { x: 5 }); x",
      "({ x = 7 } = {}); x",
      "let x = 'again'; ({ x })",
    ]);
    assert.deepStrictEqual(values.slice(1), [
      { x: 1 },
      { x: 1, y: 2, nested: { x: 1 } },
      { x: 1 },
      { x: 1 },
      "2b",
      1,
      { x: "own" },
      5,
      7,
      { x: "again" },
    ]);
  });
});
