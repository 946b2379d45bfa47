import * as tf from "@tensorflow/tfjs";
import { strict as assert } from "assert";
import { NativeTrainingStep, useBestBackend, type BackendName } from "../../src/engine";
import { syntheticShapes } from "../../src/data";
import { train } from "../../src/train";
import { crossEntropy } from "../../src/train/metrics";
import { requireEngine, returnToDefaultEngine } from "./engines";
import { randomValues, relativeError, seededRandom } from "./gradientCheck";

type Build = () => tf.LayersModel;

/** Every layer kind the native step knows, on odd sizes: convs same/valid/strided, both poolings, batch norm after a
 *  conv and after a dense layer, the four activations, dropout (rate 0, so both sides compute the same), flatten. */
function everyLayer(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [11, 9, 2], filters: 5, kernelSize: 3, padding: "same", activation: "relu" }),
      tf.layers.conv2d({ filters: 4, kernelSize: [2, 3], strides: 2, padding: "same", useBias: false }),
      tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
      tf.layers.activation({ activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 1 }),
      tf.layers.conv2d({ filters: 6, kernelSize: 2, padding: "valid", activation: "tanh" }),
      tf.layers.averagePooling2d({ poolSize: 2, padding: "same" }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0 }),
      tf.layers.dense({ units: 7, activation: "sigmoid" }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.dense({ units: 5 }),
      tf.layers.activation({ activation: "softmax" }),
    ],
  });
}

/** The bench's LeNet-5 shape, smaller: what most students train. */
function smallLeNet(classes = 10): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 3, kernelSize: 5, padding: "same", activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 9, activation: "relu" }),
      tf.layers.dense({ units: classes, activation: "softmax" }),
    ],
  });
}

interface Batch {
  images: Float32Array;
  labels: Float32Array;
  shape: number[];
  classes: number;
}

function batchFor(model: tf.LayersModel, size: number, seed: number): Batch {
  const random = seededRandom(seed);
  const shape = [size, ...(model.inputs[0].shape.slice(1) as number[])];
  const classes = model.outputs[0].shape[1] as number;
  const labels = new Float32Array(size * classes);
  for (let i = 0; i < size; i++) labels[i * classes + Math.floor(random() * classes)] = 1;
  return { images: randomValues(random, tf.util.sizeFromShape(shape)), labels, shape, classes };
}

/** Weights (moving statistics included) that are the same on every engine: seeded values, not the initialisers'. */
function seededWeights(model: tf.LayersModel, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return model.weights.map((weight) => {
    const values = randomValues(random, tf.util.sizeFromShape(weight.shape as number[]));
    // Moving variances must be positive; scales near 1 keep the activations in range.
    if (weight.originalName.endsWith("moving_variance") || weight.originalName.endsWith("gamma"))
      return values.map((v) => 1 + 0.5 * v);
    return values.map((v) => 0.5 * v);
  });
}

interface Outcome {
  losses: number[];
  weights: Float32Array[];
}

/** `steps` steps on one batch: through tfjs layer by layer, or through the native step. */
async function trainSteps(
  engine: BackendName,
  build: Build,
  weights: Float32Array[],
  batch: Batch,
  options: { native: boolean; steps: number; optimizer: () => tf.Optimizer; threads?: number },
): Promise<Outcome> {
  await useBestBackend({ backend: engine, quiet: true, ...(options.threads ? { threads: options.threads } : {}) });
  const model = build();
  model.setWeights(weights.map((values, i) => tf.tensor(values, model.weights[i].shape as number[])));
  const optimizer = options.optimizer();
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const images = tf.tensor(batch.images, batch.shape);
  const labels = tf.tensor2d(batch.labels, [batch.shape[0], batch.classes]);
  const losses: number[] = [];
  const compiled = options.native ? NativeTrainingStep.compile(model, optimizer, variables) : undefined;
  if (compiled !== undefined && !compiled.ok) throw new Error(compiled.why);
  for (let step = 0; step < options.steps; step++) {
    if (compiled?.ok) {
      losses.push(compiled.step.run(images, labels).loss);
    } else {
      const loss = optimizer.minimize(
        () => crossEntropy(labels, model.apply(images, { training: true }) as tf.Tensor2D),
        true,
        variables,
      )!;
      losses.push(loss.dataSync()[0]);
      loss.dispose();
    }
  }
  const result = { losses, weights: model.getWeights().map((weight) => Float32Array.from(weight.dataSync())) };
  tf.dispose([images, labels]);
  optimizer.dispose();
  model.dispose();
  return result;
}

function assertClose(actual: Outcome, expected: Outcome, tolerance: number, names: string[]): void {
  actual.losses.forEach((loss, i) =>
    assert.ok(
      Math.abs(loss - expected.losses[i]) <= tolerance * Math.max(1, Math.abs(expected.losses[i])),
      `loss of step ${i + 1}: ${loss} vs ${expected.losses[i]}`,
    ),
  );
  actual.weights.forEach((values, i) => {
    const error = relativeError(values, expected.weights[i]);
    assert.ok(error <= tolerance, `${names[i]}: relative error ${error.toExponential(2)} > ${tolerance}`);
  });
}

describe("native training step: one call per step, against tfjs's cpu engine and finite differences", function () {
  this.timeout(120_000);
  before(function () {
    requireEngine(this, "native");
  });
  returnToDefaultEngine();

  const cases: Array<{ name: string; build: Build; batch: number; optimizer: () => tf.Optimizer; label: string }> = [
    { name: "every layer kind", build: everyLayer, batch: 7, optimizer: () => tf.train.adam(0.01), label: "Adam" },
    { name: "every layer kind", build: everyLayer, batch: 5, optimizer: () => tf.train.sgd(0.1), label: "SGD" },
    { name: "a small LeNet-5", build: smallLeNet, batch: 9, optimizer: () => tf.train.adam(0.01), label: "Adam" },
  ];
  for (const c of cases) {
    for (const threads of [1, 2]) {
      it(`${c.name}, ${c.label}, batch ${c.batch}, ${threads} thread${threads > 1 ? "s" : ""}: three steps give tfjs's losses and weights`, async () => {
        await useBestBackend({ backend: "cpu", quiet: true });
        const probe = c.build();
        const weights = seededWeights(probe, 3);
        const batch = batchFor(probe, c.batch, 4);
        const names = probe.weights.map((weight) => weight.originalName);
        probe.dispose();
        const reference = await trainSteps("cpu", c.build, weights, batch, {
          native: false,
          steps: 3,
          optimizer: c.optimizer,
        });
        const native = await trainSteps("native", c.build, weights, batch, {
          native: true,
          steps: 3,
          optimizer: c.optimizer,
          threads,
        });
        assertClose(native, reference, 2e-4, names);
      });
    }
  }

  it("splitting a batch between threads changes nothing: batch norm's statistics are the whole batch's", async () => {
    await useBestBackend({ backend: "native", quiet: true });
    const probe = everyLayer();
    const weights = seededWeights(probe, 5);
    const batch = batchFor(probe, 11, 6);
    const names = probe.weights.map((weight) => weight.originalName);
    probe.dispose();
    const options = { native: true, steps: 4, optimizer: () => tf.train.adam(0.01) };
    const one = await trainSteps("native", everyLayer, weights, batch, { ...options, threads: 1 });
    const two = await trainSteps("native", everyLayer, weights, batch, { ...options, threads: 2 });
    assertClose(two, one, 1e-5, names);
  });

  it("SGD with learning rate 1 moves each weight by minus its gradient, as central finite differences give it", async () => {
    await useBestBackend({ backend: "native", quiet: true });
    const model = smallLeNet();
    model.setWeights(seededWeights(model, 7).map((values, i) => tf.tensor(values, model.weights[i].shape as number[])));
    const batch = batchFor(model, 6, 8);
    const images = tf.tensor(batch.images, batch.shape);
    const labels = tf.tensor2d(batch.labels, [batch.shape[0], batch.classes]);
    const kernel = model.layers[2].getWeights()[0] as tf.Variable;
    const loss = (): number =>
      tf.tidy(() => crossEntropy(labels, model.apply(images, { training: true }) as tf.Tensor2D).dataSync()[0]);
    const before = Float32Array.from(kernel.dataSync());
    const step = 1e-2;
    const numeric: number[] = [];
    const coordinates = [0, 7, 19, 33, 47];
    for (const k of coordinates) {
      const values = Float32Array.from(before);
      values[k] = before[k] + step;
      kernel.assign(tf.tensor(values, kernel.shape));
      const up = loss();
      values[k] = before[k] - step;
      kernel.assign(tf.tensor(values, kernel.shape));
      numeric.push((up - loss()) / (2 * step));
    }
    kernel.assign(tf.tensor(before, kernel.shape));
    const optimizer = tf.train.sgd(1);
    const compiled = NativeTrainingStep.compile(
      model,
      optimizer,
      model.trainableWeights.map((weight) => weight.read() as tf.Variable),
    );
    assert.ok(compiled.ok, compiled.ok ? "" : compiled.why);
    compiled.step.run(images, labels);
    const after = kernel.dataSync();
    const analytic = coordinates.map((k) => before[k] - after[k]);
    const error = relativeError(analytic, numeric);
    assert.ok(
      error < 1e-2,
      `gradient ${analytic.map((g) => g.toFixed(5))} vs finite differences ${numeric.map((g) => g.toFixed(5))}`,
    );
    tf.dispose([images, labels]);
    model.dispose();
  });

  it("a kept copy of a weight (early stopping's best weights) is not overwritten by the in-place update", async () => {
    await useBestBackend({ backend: "native", quiet: true });
    const model = smallLeNet();
    const kept = model.getWeights().map((weight) => tf.clone(weight));
    const snapshot = kept.map((weight) => Float32Array.from(weight.dataSync()));
    const batch = batchFor(model, 4, 9);
    const images = tf.tensor(batch.images, batch.shape);
    const labels = tf.tensor2d(batch.labels, [4, 10]);
    const compiled = NativeTrainingStep.compile(
      model,
      tf.train.adam(0.01),
      model.trainableWeights.map((weight) => weight.read() as tf.Variable),
    );
    assert.ok(compiled.ok);
    compiled.step.run(images, labels);
    kept.forEach((weight, i) =>
      assert.deepEqual(Float32Array.from(weight.dataSync()), snapshot[i], `kept weight ${i} changed`),
    );
    assert.notDeepEqual(
      Float32Array.from(model.getWeights()[0].dataSync()),
      snapshot[0],
      "the model's own weight did not move",
    );
    tf.dispose([...kept, images, labels]);
    model.dispose();
  });

  it("says why a model trains layer by layer: a residual connection, a frozen layer, another optimiser, another engine", async () => {
    await useBestBackend({ backend: "native", quiet: true });
    const input = tf.input({ shape: [6, 6, 2] });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: "same" }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([conv, input]) as tf.SymbolicTensor;
    const flat = tf.layers.flatten().apply(sum) as tf.SymbolicTensor;
    const residual = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 3, activation: "softmax" }).apply(flat) as tf.SymbolicTensor,
    });
    const trained = (model: tf.LayersModel) => model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const why = (model: tf.LayersModel, optimizer: tf.Optimizer = tf.train.adam()) => {
      const compiled = NativeTrainingStep.compile(model, optimizer, trained(model));
      return compiled.ok ? "compiled" : compiled.why;
    };
    assert.match(why(residual), /Add\).*residual connection/);
    const frozen = smallLeNet();
    frozen.layers[0].trainable = false;
    assert.match(why(frozen), /conv2d.*frozen/);
    assert.match(why(smallLeNet(), tf.train.momentum(0.1, 0.9)), /Momentum optimiser has no native update/);
    assert.equal(why(smallLeNet()), "compiled");
    await useBestBackend({ backend: "wasm", quiet: true });
    assert.match(why(smallLeNet()), /native engine is not the active one/);
  });

  it("train() says once, unless quiet, that a network trains layer by layer and why", async () => {
    await useBestBackend({ backend: "native", quiet: true });
    const data = syntheticShapes({ count: 24, size: 12, seed: 1 });
    const lines: string[] = [];
    const log = console.log;
    const trainWith = async (optimizer: tf.Optimizer, quiet: boolean) => {
      const model = smallLeNet(5);
      lines.length = 0;
      console.log = (...values: unknown[]) => {
        lines.push(values.join(" "));
      };
      try {
        await train(model, data, { epochs: 2, batchSize: 8, optimizer, quiet, fast: false });
      } finally {
        console.log = log;
        model.dispose();
      }
      return lines.filter((line) => line.includes("layer by layer"));
    };
    const said = await trainWith(tf.train.momentum(0.01, 0.9), false);
    assert.equal(said.length, 1, said.join("\n"));
    assert.match(
      said[0],
      /^train: the Momentum optimiser has no native update \(Adam and SGD do\), so this network trains layer by layer/,
    );
    assert.deepEqual(await trainWith(tf.train.momentum(0.01, 0.9), true), []);
    assert.deepEqual(await trainWith(tf.train.adam(0.01), false), []);
  });
});
