import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { check } from "../../src/check";
import { rejects } from "./rejects";

/** (x − mean) / sqrt(variance + ε) over `axes`. */
function normalizeOver(x: tf.Tensor, axes: number[], epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, axes, true);
  return x.sub(mean).div(variance.add(epsilon).sqrt());
}

describe("check: lesson 05 exercises", () => {
  it("05-1 accepts instance and layer norm and rejects them swapped", () => {
    const features = tf.randomNormal([2, 4, 4, 3], 0, 2, "float32", 1);
    const context = { features, varianceEpsilon: 1e-3 };
    const asInstance = normalizeOver(features, [1, 2], 1e-3);
    const asLayer = normalizeOver(features, [1, 2, 3], 1e-3);
    assert.doesNotThrow(() => check.exercise("05-1", { asInstance, asLayer }, context));
    rejects("05-1", { asInstance: asLayer, asLayer: asInstance }, /groupNormalization/, context);
    rejects("05-1", { asInstance }, /asLayer/, context);
    rejects("05-1", undefined, /no answer yet/, context);
    tf.dispose([features, asInstance, asLayer]);
  });

  it("05-2 accepts a moving mean near the batch mean and rejects γ", () => {
    const batchMean = tf.tensor1d([0.1, -0.2, 0.05, 0, 0.3, -0.1, 0.2, 0]);
    const context = { batchMean };
    assert.doesNotThrow(() => check.exercise("05-2", batchMean.add(0.01), context));
    rejects("05-2", tf.ones([8]), /getWeights\(\)\[2\]/, context);
    rejects("05-2", undefined, /no answer yet/, context);
    batchMean.dispose();
  });

  it("05-3 accepts a correlation of 1 and rejects another number", () => {
    assert.doesNotThrow(() => check.exercise("05-3", 0.9999999));
    rejects("05-3", 0.5, /Centre both/);
    rejects("05-3", undefined, /no answer yet/);
  });
});
