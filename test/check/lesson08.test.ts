import { strict as assert } from "assert";
import { check } from "../../src/check";
import { rejects } from "./rejects";

/** 40 gradient norms falling geometrically from `first` by `factor` per layer. */
function norms(first: number, factor: number): number[] {
  return Array.from({ length: 40 }, (_, i) => first * Math.pow(factor, i));
}

describe("check: lesson 08 exercises", () => {
  it("08-1 accepts the widths closest to 20,000 parameters and names a farther width", () => {
    // Depth 2: width 27 has 20,098; depth 4: 19 has 19,314 (20 has 20,870); depth 8: 14 has 19,456.
    assert.doesNotThrow(() => check.exercise("08-1", { 2: 27, 4: 19, 8: 14 }));
    rejects("08-1", { 2: 27, 4: 20, 8: 14 }, /at depth 4, width 20 .* width 19 gives 19314/);
    rejects("08-1", { 2: 27, 4: 19, 8: 13 }, /at depth 8, width 13 .* width 14/);
    rejects("08-1", { 2: 27, 4: 19 }, /no `8`/);
    rejects("08-1", { 2: 27.5, 4: 19, 8: 14 }, /whole number/);
    rejects("08-1", [27, 19, 14], /should be an object/);
    rejects("08-1", undefined, /no answer yet/);
  });

  it("08-2 accepts consistent accuracies and rejects percentages or a reversed gap", () => {
    assert.doesNotThrow(() => check.exercise("08-2", { train: 0.9, test: 0.75, gap: 0.9 - 0.75 }));
    rejects("08-2", { train: 90, test: 75, gap: 15 }, /between 0 and 1/);
    rejects("08-2", { train: 0.9, test: 0.75, gap: 0.75 - 0.9 }, /test − train/);
    rejects("08-2", { train: 0.9, test: 0.75 }, /no `gap`/);
    rejects("08-2", undefined, /no answer yet/);
  });

  it("08-3 accepts 40 positive norms per net and rejects a drifting BN + residual net or extra layers", () => {
    assert.doesNotThrow(() =>
      check.exercise("08-3", { "plain ReLU": norms(1e-3, 1.2), "BN + residual": norms(0.1, 0.99) }),
    );
    rejects("08-3", { "plain ReLU": norms(1e-3, 1.2), "BN + residual": norms(1e-3, 1.2) }, /the same/);
    rejects("08-3", { "plain ReLU": norms(1e-3, 1.2), "BN + residual": norms(1e-3, 1.1) }, /factor of 10/);
    rejects("08-3", { "plain ReLU": [...norms(1, 1), 2], "BN + residual": norms(1, 1) }, /41 values.*conv1…conv40/);
    rejects("08-3", { "plain ReLU": norms(0, 1), "BN + residual": norms(1, 1) }, /finite and positive/);
    rejects("08-3", { "plain ReLU": norms(1, 1) }, /no `BN \+ residual`/);
    rejects("08-3", undefined, /no answer yet/);
  });
});
