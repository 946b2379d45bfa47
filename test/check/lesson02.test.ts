import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { check } from "../../src/check";
import { rejects } from "./rejects";

describe("check: lesson 02 exercises", () => {
  const diagonal = tf.tensor4d([2, -1, -1, -1, 2, -1, -1, -1, 2], [3, 3, 1, 1]);
  const antiDiagonal = tf.tensor4d([-1, -1, 2, -1, 2, -1, 2, -1, -1], [3, 3, 1, 1]);
  const blur = tf.fill<tf.Rank.R4>([3, 3, 1, 1], 1 / 9);
  const sobel = tf.tensor4d([-1, 0, 1, -2, 0, 2, -1, 0, 1], [3, 3, 1, 1]);
  after(() => tf.dispose([diagonal, antiDiagonal, blur, sobel]));

  it("02-1 accepts 14 and names the formula for a wrong side", () => {
    assert.doesNotThrow(() => check.exercise("02-1", 14));
    rejects("02-1", 28, /⌊\(n \+ 2p − k\) \/ s⌋ \+ 1/);
    rejects("02-1", 16, /no padding/);
    rejects("02-1", "14", /finite number/);
    rejects("02-1", undefined, /no answer yet/);
  });

  it("02-2 accepts a top-left to bottom-right kernel and rejects the other diagonal or an edge kernel", () => {
    assert.doesNotThrow(() => check.exercise("02-2", diagonal));
    rejects("02-2", antiDiagonal, /large weights on the diagonal from top left to bottom right/);
    rejects("02-2", sobel, /at least 1\.5 times/);
    rejects("02-2", tf.zeros([3, 3]), /shape \[3, 3, 1, 1\]/);
    rejects("02-2", undefined, /no answer yet/);
  });

  it("02-3 accepts a kernel near 1/9 and rejects one far from it", () => {
    assert.doesNotThrow(() => check.exercise("02-3", blur));
    const nearly = tf.tidy(() => blur.add(0.01));
    assert.doesNotThrow(() => check.exercise("02-3", nearly));
    rejects("02-3", sobel, /Train it as in the last section/);
    rejects("02-3", tf.fill([3, 3, 1, 1], 1 / 6), /within 0\.02/);
    rejects("02-3", tf.ones([9]), /shape \[3, 3, 1, 1\]/);
    rejects("02-3", undefined, /no answer yet/);
    nearly.dispose();
  });
});
