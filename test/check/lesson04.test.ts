import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { check } from "../../src/check";
import { rejects } from "./rejects";

describe("check: lesson 04 exercises", () => {
  it("04-1 accepts the fields and parameter counts and names a wrong one", () => {
    const right = { stackedField: 7, singleField: 7, stackedParameters: 110784, singleParameters: 200768 };
    assert.doesNotThrow(() => check.exercise("04-1", right));
    rejects("04-1", { ...right, stackedParameters: 3 * 9 * 64 * 64 }, /stackedParameters.*layerGeometry/);
    rejects("04-1", { stackedField: 7 }, /singleField/);
    rejects("04-1", undefined, /no answer yet/);
  });

  it("04-2 accepts a smaller net and rejects a bigger one or a percentage", () => {
    const context = { dilated: { parameters: 7000, macs: 5e6 } };
    assert.doesNotThrow(() => check.exercise("04-2", { parameters: 1500, macs: 1e6, accuracy: 0.9 }, context));
    rejects("04-2", { parameters: 7000, macs: 5e6, accuracy: 0.9 }, /separable: true/, context);
    rejects("04-2", { parameters: 1500, macs: 1e6, accuracy: 90 }, /percentage/, context);
    rejects("04-2", undefined, /no answer yet/, context);
  });

  it("04-3 accepts the changes for shifts down and rejects those for shifts right", () => {
    const sample = tf.tensor4d(
      Array.from({ length: 2 * 6 * 6 }, (_, i) => (i % 6 === 2 ? 1 : 0)), // a vertical line in each image
      [2, 6, 6, 1],
    );
    const features = {
      identity: (images: tf.Tensor4D) => images,
      pooled: (images: tf.Tensor4D) => tf.maxPool(images, 2, 2, "valid"),
    };
    const shifts = [0, 1, 2];
    const change = (axis: 1 | 2) => {
      const result: Record<string, number[]> = {};
      for (const [name, f] of Object.entries(features)) {
        result[name] = shifts.map((d) =>
          tf.tidy(() => {
            const padding: Array<[number, number]> = [
              [0, 0],
              [0, 0],
              [0, 0],
              [0, 0],
            ];
            padding[axis] = [d, 0];
            const shifted = tf.pad(sample, padding).slice([0, 0, 0, 0], [-1, 6, 6, -1]) as tf.Tensor4D;
            const original = f(sample);
            return original.sub(f(shifted)).norm().div(original.norm()).dataSync()[0];
          }),
        );
      }
      return result;
    };
    const context = { features, sample, shifts };
    assert.doesNotThrow(() => check.exercise("04-3", change(1), context));
    rejects("04-3", change(2), /height axis/, context);
    rejects("04-3", { identity: [0, 1], pooled: [0, 1, 2] }, /one relative change per shift/, context);
    rejects("04-3", undefined, /no answer yet/, context);
    sample.dispose();
  });
});
