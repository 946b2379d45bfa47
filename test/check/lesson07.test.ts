import { strict as assert } from "assert";
import { check } from "../../src/check";
import { rejects } from "./rejects";

/** A tiny stand-in for an Evaluation: 3 classes, 4 examples; examples 1 (p 0.6) and 3 (p 0.9) are wrong. */
function tinyEvaluation(): { probabilities: Float32Array; labels: Uint8Array; confusion: number[][] } {
  return {
    probabilities: new Float32Array([0.8, 0.1, 0.1, 0.6, 0.3, 0.1, 0.1, 0.1, 0.8, 0.05, 0.05, 0.9]),
    labels: new Uint8Array([0, 1, 2, 1]),
    confusion: [
      [5, 1, 0],
      [3, 4, 2],
      [0, 3, 6],
    ],
  };
}

describe("check: lesson 07 exercises", () => {
  it("07-1 accepts 900 and names a single count instead of the difference", () => {
    assert.doesNotThrow(() => check.exercise("07-1", 900));
    rejects("07-1", 1516, /difference/);
    rejects("07-1", 2416, /difference/);
    rejects("07-1", 36, /connectionTable: false/);
    rejects("07-1", undefined, /no answer yet/);
  });

  it("07-2 accepts the most confused pair and rejects a one-way count or a wrong total", () => {
    const context = { evaluation: tinyEvaluation() };
    // 0↔1: 1 + 3 = 4, 1↔2: 2 + 3 = 5, 0↔2: 0.
    assert.doesNotThrow(() => check.exercise("07-2", { a: 1, b: 2, count: 5 }, context));
    rejects("07-2", { a: 0, b: 1, count: 4 }, /some pair is confused 5 times/, context);
    rejects("07-2", { a: 1, b: 2, count: 3 }, /should be 5/, context);
    rejects("07-2", { a: 1, b: 1, count: 4 }, /two different digits/, context);
    rejects("07-2", { a: 1, b: 2, count: 5 }, /evaluation/, {});
    rejects("07-2", undefined, /no answer yet/, context);
  });

  it("07-3 accepts the most confident mistake and rejects a right or a less confident one", () => {
    const context = { evaluation: tinyEvaluation() };
    assert.doesNotThrow(() => check.exercise("07-3", 3, context));
    rejects("07-3", 0, /classified correctly/, context);
    rejects("07-3", 1, /another mistake/, context);
    rejects("07-3", 7, /test image index/, context);
    rejects("07-3", undefined, /no answer yet/, context);
  });
});
