import { strict as assert } from "assert";
import { check } from "../../src/check";
import { rejects } from "./rejects";

/** A tiny stand-in for an Evaluation: 4 examples, 2 classes, over-confident (one sure mistake). */
function overconfident(): { probabilities: Float32Array; labels: Uint8Array } {
  return {
    probabilities: new Float32Array([0.99, 0.01, 0.98, 0.02, 0.03, 0.97, 0.995, 0.005]),
    labels: new Uint8Array([0, 0, 1, 1]),
  };
}

describe("check: lesson 06 exercises", () => {
  it("06-1 accepts 102,764,544 and names the missing biases", () => {
    assert.doesNotThrow(() => check.exercise("06-1", 25_088 * 4096 + 4096));
    rejects("06-1", 25_088 * 4096, /bias/);
    rejects("06-1", 25_088, /25,088 values/);
    rejects("06-1", "many", /finite number/);
    rejects("06-1", undefined, /no answer yet/);
  });

  it("06-2 accepts equal softmax and sigmoid values and names sigmoid(b − a)", () => {
    const p = 1 / (1 + Math.exp(-1.7));
    assert.doesNotThrow(() => check.exercise("06-2", { softmax: p, sigmoid: p }));
    rejects("06-2", { softmax: p, sigmoid: 1 - p }, /sigmoid\(b − a\)/);
    rejects("06-2", { softmax: 0.5, sigmoid: p }, /tf\.softmax\(pair\)/);
    rejects("06-2", { softmax: p }, /sigmoid/);
    rejects("06-2", undefined, /no answer yet/);
  });

  it("06-3 accepts the best temperature on the grid and rejects a worse one", () => {
    const context = { evaluation: overconfident() };
    // Over-confident predictions with a sure mistake: flattening (T = 2) lowers the mean loss most.
    assert.doesNotThrow(() => check.exercise("06-3", 2, context));
    rejects("06-3", 1, /keep the T with the smallest/, context);
    rejects("06-3", 0.5, /T = 2 gives/, context);
    rejects("06-3", -1, /positive/, context);
    rejects("06-3", 2, /evaluation/, {});
    rejects("06-3", undefined, /no answer yet/, context);
  });
});
