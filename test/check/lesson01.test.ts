import { strict as assert } from "assert";
import { check } from "../../src/check";
import { rejects } from "./rejects";

describe("check: lesson 01 exercises", () => {
  it("01-1 accepts 2 / 3.75 and rejects the fastest rate or a diverging one", () => {
    assert.doesNotThrow(() => check.exercise("01-1", 2 / 3.75));
    assert.doesNotThrow(() => check.exercise("01-1", 0.533));
    rejects("01-1", 1 / 3.75, /the fastest rate/);
    rejects("01-1", 0.7, /solve 1 − 3\.75 · η = −1/);
    rejects("01-1", "0.533", /finite number/);
    rejects("01-1", undefined, /no answer yet/);
  });

  it("01-2 accepts ∂L/∂w₃ and names the missing factor", () => {
    // ŷ = −0.5 · 1.3 + 0.7 · 0.3 + 0.3 = −0.14, ∂L/∂ŷ = −4.28, ∂L/∂w₃ = −4.28 · 0.7 · 1.5.
    const right = -4.28 * 0.7 * 1.5;
    assert.doesNotThrow(() => check.exercise("01-2", right));
    rejects("01-2", -right, /sign is wrong/);
    rejects("01-2", right / 1.5, /x \(∂z₂\/∂w₃\), is missing/);
    rejects("01-2", right / 0.7, /multiply by w₄/);
    rejects("01-2", right / 2, /factor 2/);
    rejects("01-2", 1, /recompute ŷ with both hidden units/);
    rejects("01-2", undefined, /no answer yet/);
  });

  it("01-3 accepts the early-stopping epoch and rejects the whole run", () => {
    // Lowest after epoch 4, then 3 epochs without improvement: stops after epoch 7.
    const validationLosses = [1, 0.8, 0.7, 0.6, 0.65, 0.62, 0.7, 0.75, 0.8, 0.9];
    assert.doesNotThrow(() => check.exercise("01-3", 7, { validationLosses }));
    rejects("01-3", 10, /pass `earlyStopping: true`/, { validationLosses });
    rejects("01-3", 4, /stops after epoch 7/, { validationLosses });
    rejects("01-3", 2.5, /whole number/, { validationLosses });
    rejects("01-3", 7, /needs the lesson's `validationLosses`/, {});
    rejects("01-3", undefined, /no answer yet/, { validationLosses });
  });
});
