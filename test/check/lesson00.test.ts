import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { check } from "../../src/check";
import { rejects } from "./rejects";

describe("check: lesson 00 exercises", () => {
  const half = tf.ones([64, 32]);
  const empty = tf.zeros([64, 32]);
  const redBlue = tf.stack([tf.concat([half, empty], 1), tf.zeros([64, 64]), tf.concat([empty, half], 1)], -1);
  const blueRed = tf.stack([tf.concat([empty, half], 1), tf.zeros([64, 64]), tf.concat([half, empty], 1)], -1);
  const redBlue255 = redBlue.mul(255);
  const rgb = tf.randomUniform([4, 5, 3], 0, 1, "float32", 1);
  const grey = rgb.mul(tf.tensor1d([0.299, 0.587, 0.114])).sum(-1, true);
  const meanGrey = rgb.mean(-1, true);
  const flatGrey = grey.squeeze([2]);
  const nchw = tf.zeros([8, 3, 32, 32]);
  const nhwc = nchw.transpose([0, 2, 3, 1]);
  const reshaped = nchw.reshape([8, 32, 32, 3]);
  after(() =>
    tf.dispose([half, empty, redBlue, blueRed, redBlue255, rgb, grey, meanGrey, flatGrey, nchw, nhwc, reshaped]),
  );

  it("00-1 accepts red | blue and rejects swapped halves or 0…255 values", () => {
    assert.doesNotThrow(() => check.exercise("00-1", redBlue));
    rejects("00-1", blueRed, /columns 0–31 should be \[1, 0, 0\]/);
    rejects("00-1", redBlue255, /not \[255, 0, 0\]/);
    rejects("00-1", half, /shape \[64, 64, 3\]/);
    rejects("00-1", undefined, /no answer yet/);
  });

  it("00-2 accepts the weighted sum and rejects a plain mean or a dropped channel axis", () => {
    assert.doesNotThrow(() => check.exercise("00-2", grey, { rgb }));
    rejects("00-2", meanGrey, /0\.299·R \+ 0\.587·G \+ 0\.114·B/, { rgb });
    rejects("00-2", flatGrey, /keep the channel axis/, { rgb });
    rejects("00-2", undefined, /no answer yet/, { rgb });
  });

  it("00-3 accepts NHWC and rejects the untouched NCHW tensor", () => {
    assert.doesNotThrow(() => check.exercise("00-3", nhwc));
    // Only the shape is checked, so a reshape passes too (its pixels are scrambled, but all zeros here).
    assert.doesNotThrow(() => check.exercise("00-3", reshaped));
    rejects("00-3", nchw, /transpose\(\[0, 2, 3, 1\]\)/);
    rejects("00-3", tf.zeros([3, 32, 32]), /shape \[8, 32, 32, 3\]/);
    rejects("00-3", undefined, /no answer yet/);
  });
});
