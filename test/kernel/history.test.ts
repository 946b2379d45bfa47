import assert from "assert";
import { globToRegExp, History } from "../../kernel/history";

describe("kernel history", () => {
  function filled(): History {
    const h = new History(3);
    ["1+2+3", "let a = 1", "1+2+3", "a * 2"].forEach((code, i) => (h.add(i + 1, code).output = i === 0 ? "6" : null));
    return h;
  }

  it("tail returns the last n entries", () => {
    assert.deepStrictEqual(filled().query({ hist_access_type: "tail", n: 2 }), [
      [3, 3, "1+2+3"],
      [3, 4, "a * 2"],
    ]);
  });

  it("includes outputs when asked", () => {
    assert.deepStrictEqual(filled().query({ hist_access_type: "tail", n: 4, output: true })[0], [3, 1, ["1+2+3", "6"]]);
  });

  it("range selects start <= line < stop of this session", () => {
    const h = filled();
    assert.deepStrictEqual(h.query({ hist_access_type: "range", session: 3, start: 2, stop: 3 }), [
      [3, 2, "let a = 1"],
    ]);
    assert.strictEqual(h.query({ hist_access_type: "range", session: 0, start: 1 }).length, 4);
    assert.deepStrictEqual(h.query({ hist_access_type: "range", session: 7, start: 1 }), []);
  });

  it("search matches a glob against the whole input, with n and unique", () => {
    const h = filled();
    assert.strictEqual(h.query({ hist_access_type: "search", pattern: "1?2*" }).length, 2);
    assert.strictEqual(h.query({ hist_access_type: "search", pattern: "1?2*", unique: true }).length, 1);
    assert.strictEqual(h.query({ hist_access_type: "search", pattern: "*", n: 3 }).length, 3);
    assert.strictEqual(h.query({ hist_access_type: "search", pattern: "a" }).length, 0);
  });

  it("globToRegExp escapes regex syntax", () => {
    assert.ok(globToRegExp("a.b(*)").test("a.b(xyz)"));
    assert.ok(!globToRegExp("a.b").test("axb"));
    assert.ok(globToRegExp("[ab]?").test("bz"));
  });
});
