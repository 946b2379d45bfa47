import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { check } from "../../src/check";
import { rejects } from "./rejects";

describe("check: lesson 03 exercises", () => {
  const x = tf.linspace(-5, 5, 201);
  const preActivation = tf.tensor4d([-2, -0.5, 0, 0.5, 1, 1.5, 2, 3], [1, 2, 2, 2]);
  after(() => tf.dispose([x, preActivation]));

  it("03-1 accepts ELU's derivative and names ReLU's or ELU itself", () => {
    const slope = tf.grad((t: tf.Tensor) => tf.elu(t))(x);
    assert.doesNotThrow(() => check.exercise("03-1", slope));
    rejects("03-1", tf.step(x), /ReLU's derivative/);
    rejects("03-1", tf.elu(x), /ELU itself/);
    rejects("03-1", tf.zeros([5]), /shape|\[201\]/);
    rejects("03-1", undefined, /no answer yet/);
  });

  it("03-2 accepts the share of zeros after the shift and names a percentage or the unshifted share", () => {
    const context = { preActivation };
    assert.doesNotThrow(() => check.exercise("03-2", 5 / 8, context));
    rejects("03-2", 62.5, /percentage/, context);
    rejects("03-2", 3 / 8, /before the shift/, context);
    rejects("03-2", 0.1, /tf\.relu\(preActivation\.sub\(1\)\)/, context);
    rejects("03-2", undefined, /no answer yet/, context);
  });

  it("03-3 accepts tanh's ratio and rejects the sigmoid or ReLU ratio", () => {
    const context = { sigmoidFirstOverLast: 1e-4, reluFirstOverLast: 0.5 };
    assert.doesNotThrow(() => check.exercise("03-3", 0.2, context));
    rejects("03-3", 1e-4, /sigmoid network's ratio/, context);
    rejects("03-3", 0.5, /ReLU network's ratio/, context);
    rejects("03-3", -1, /positive number/, context);
    rejects("03-3", undefined, /no answer yet/, context);
  });
});
