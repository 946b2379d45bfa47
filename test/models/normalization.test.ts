import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import {
  cnn,
  GroupNormalization,
  groupNormalization,
  InstanceNormalization,
  instanceNormalization,
  lenet5,
} from "../../src/models";
import { useBestBackend } from "../../src/engine";

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

/** Group normalisation written out directly with loops: the formula the layer must match. */
function direct(
  x: Float32Array,
  [n, h, w, c]: number[],
  groups: number,
  gamma: Float32Array,
  beta: Float32Array,
  epsilon: number,
): Float32Array {
  const out = new Float32Array(x.length);
  const per = c / groups;
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const members: number[] = [];
      for (let p = 0; p < h * w; p++) for (let k = 0; k < per; k++) members.push((b * h * w + p) * c + g * per + k);
      const mean = members.reduce((s, i) => s + x[i], 0) / members.length;
      const variance = members.reduce((s, i) => s + (x[i] - mean) ** 2, 0) / members.length;
      for (const i of members) out[i] = (gamma[i % c] * (x[i] - mean)) / Math.sqrt(variance + epsilon) + beta[i % c];
    }
  }
  return out;
}

function layerFor(kind: "group" | "instance", shape: number[]): { layer: GroupNormalization; groups: number } {
  const layer =
    kind === "group"
      ? new GroupNormalization({ groups: 2, epsilon: 1e-3 })
      : new InstanceNormalization({ epsilon: 1e-3 });
  layer.build(shape);
  const c = shape[3];
  layer.setWeights([tf.tensor1d(values(c, 7).map((v) => 1 + 0.5 * v)), tf.tensor1d(values(c, 8))]);
  return { layer, groups: kind === "group" ? 2 : c };
}

describe("models: group and instance normalisation layers", () => {
  before(async () => {
    await useBestBackend({ quiet: true });
  });

  for (const kind of ["group", "instance"] as const) {
    it(`${kind} normalisation forward matches the formula`, () => {
      const shape = [2, 3, 3, 4];
      const { layer, groups } = layerFor(kind, shape);
      const x = values(72, 3).map((v) => 2 * v + 0.3);
      const [gamma, beta] = layer.getWeights().map((w) => w.dataSync() as Float32Array);
      const expected = direct(x, shape, groups, gamma, beta, 1e-3);
      const actual = tf.tidy(() => layer.apply(tf.tensor4d(x, shape as [number, number, number, number])).dataSync());
      for (let i = 0; i < x.length; i++)
        assert.ok(Math.abs(actual[i] - expected[i]) < 1e-4, `element ${i}: ${actual[i]} vs ${expected[i]}`);
    });

    it(`${kind} normalisation gradients pass a finite-difference check`, () => {
      const shape = [1, 3, 3, 4] as [number, number, number, number];
      const { layer } = layerFor(kind, shape);
      const x0 = values(36, 11).map((v) => 2 * v);
      const weights = tf.tensor4d(values(36, 12), shape);
      const [gamma, beta] = layer.getWeights();
      // loss(x, gamma, beta) = Σ y · weights with y = layer(x) using the given gamma and beta
      const loss = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        layer.setWeights([g, b]);
        return tf.sum(tf.mul(layer.apply(x), weights)) as tf.Scalar;
      };
      const analytic = tf.tidy(() => {
        const x = tf.tensor4d(x0, shape);
        const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => loss(a, g, b))([x, gamma, beta]);
        return grads.map((t) => Array.from(t.dataSync()));
      });
      const epsilon = 1e-2;
      const numeric = (which: 0 | 1 | 2, index: number) =>
        tf.tidy(() => {
          const inputs = [
            Float32Array.from(x0),
            Float32Array.from(gamma.dataSync()),
            Float32Array.from(beta.dataSync()),
          ];
          const at = (delta: number) => {
            const copy = inputs.map((a) => Float32Array.from(a));
            copy[which][index] += delta;
            return loss(tf.tensor4d(copy[0], shape), tf.tensor1d(copy[1]), tf.tensor1d(copy[2])).dataSync()[0];
          };
          return (at(epsilon) - at(-epsilon)) / (2 * epsilon);
        });
      ([0, 1, 2] as const).forEach((which) => {
        analytic[which].forEach((a, index) => {
          const n = numeric(which, index);
          assert.ok(
            Math.abs(a - n) < 2e-2 * Math.max(1, Math.abs(n)),
            `${["x", "gamma", "beta"][which]}[${index}]: analytic ${a}, numeric ${n}`,
          );
        });
      });
      tf.dispose([weights, gamma, beta]);
    });
  }

  it("apply is typed by its input: a tensor for a tensor, a symbolic tensor for a model's input", () => {
    // The annotations are the compile-time half: without the overloads tsc rejects them (tfjs types apply's result
    // as any of four kinds).
    const normalized: tf.Tensor = groupNormalization({ groups: 2 }).apply(
      tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]),
    );
    const input = tf.input({ shape: [2, 2, 4] });
    const symbolic: tf.SymbolicTensor = instanceNormalization().apply(input);
    assert.ok(normalized instanceof tf.Tensor);
    // Groups {1, 2, 5, 6} and {3, 4, 7, 8}: deviations −2.5, −1.5, 1.5, 2.5 from the group's mean, variance 4.25.
    const expected = [-2.5, -1.5, -2.5, -1.5, 1.5, 2.5, 1.5, 2.5].map((d) => d / Math.sqrt(4.25 + 1e-3));
    normalized
      .dataSync()
      .forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `${i}: ${v} vs ${expected[i]}`));
    assert.deepEqual(symbolic.shape, [null, 2, 2, 4]);
    assert.deepEqual(tf.model({ inputs: input, outputs: symbolic }).outputs[0].shape, [null, 2, 2, 4]);
    normalized.dispose();
  });

  it("rejects a group count that does not divide the channels", () => {
    assert.throws(
      () => new GroupNormalization({ groups: 3 }).build([null, 4, 4, 8]),
      /8 channels cannot be split into 3/,
    );
  });

  it("models with the custom layers survive save and load", async () => {
    for (const model of [
      cnn({ depth: 2, width: 8, norm: "group", groups: 2, seed: 1 }),
      cnn({ depth: 2, width: 8, norm: "instance", seed: 2 }),
      lenet5({ variant: "classic", seed: 3 }),
    ]) {
      let artifacts: tf.io.ModelArtifacts | undefined;
      await model.save(
        tf.io.withSaveHandler(async (a) => {
          artifacts = a;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
        }),
      );
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
      const x = tf.randomNormal([2, 28, 28, 1], 0, 1, "float32", 5);
      const a = (model.predict(x) as tf.Tensor).dataSync();
      const b = (loaded.predict(x) as tf.Tensor).dataSync();
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5));
      assert.equal(loaded.countParams(), model.countParams());
      tf.dispose([x]);
    }
  });
});
