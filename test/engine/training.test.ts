import * as tf from "@tensorflow/tfjs";
import { strict as assert } from "assert";
import { useBestBackend, type BackendName } from "../../src/engine";
import { requireEngine, returnToDefaultEngine } from "./engines";
import { lenet5 } from "../../src/models";
import { randomValues, relativeError, seededRandom } from "./gradientCheck";

/** Classic LeNet: tanh and sigmoid, average pooling, 32×32 input. */
function classicLeNet(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 1], filters: 6, kernelSize: 5, activation: "tanh" }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "tanh" }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: "tanh" }),
      tf.layers.dense({ units: 84, activation: "sigmoid" }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
}

/** A deep net: conv3×3-BN-ReLU blocks, max and average pooling, a stride-2 conv, a residual add, layer norm. */
function deepNet(options: { dropout: boolean }): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 3] });
  const block = (x: tf.SymbolicTensor, filters: number, strides = 1): tf.SymbolicTensor => {
    let y = tf.layers
      .conv2d({ filters, kernelSize: 3, padding: "same", strides, useBias: false })
      .apply(x) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
    return tf.layers.activation({ activation: "relu" }).apply(y) as tf.SymbolicTensor;
  };
  let x = block(input, 8);
  x = block(x, 8);
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  const skip = x;
  x = block(block(x, 8), 8);
  x = tf.layers.add().apply([x, skip]) as tf.SymbolicTensor;
  x = block(x, 16, 2);
  x = block(x, 16);
  x = tf.layers.averagePooling2d({ poolSize: 2, padding: "same" }).apply(x) as tf.SymbolicTensor;
  x = block(x, 16);
  x = tf.layers.layerNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  if (options.dropout) x = tf.layers.dropout({ rate: 0.25 }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 10, activation: "softmax" }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** Trains one SGD step on an engine from the given weights and returns the updated weights. */
async function oneStep(
  engine: BackendName,
  build: () => tf.LayersModel,
  weights: Float32Array[],
  batch: { x: Float32Array; y: Float32Array; shape: number[] },
): Promise<Float32Array[]> {
  await useBestBackend({ backend: engine, quiet: true });
  const model = build();
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i], w.shape)));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy" });
  const x = tf.tensor(batch.x, batch.shape);
  const y = tf.tensor2d(batch.y, [batch.shape[0], 10]);
  await model.fit(x, y, { batchSize: batch.shape[0], epochs: 1, shuffle: false, verbose: 0 });
  const updated = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tf.dispose([x, y]);
  model.optimizer.dispose();
  model.dispose();
  return updated;
}

function randomBatch(random: () => number, shape: number[]): { x: Float32Array; y: Float32Array; shape: number[] } {
  const y = new Float32Array(shape[0] * 10);
  for (let i = 0; i < shape[0]; i++) y[i * 10 + Math.floor(random() * 10)] = 1;
  return { x: randomValues(random, tf.util.sizeFromShape(shape)), y, shape };
}

describe("engine: model.fit of conv nets on wasm and native", function () {
  this.timeout(60_000);
  returnToDefaultEngine(async () => {
    await useBestBackend({ backend: "cpu", quiet: true });
    await useBestBackend({ backend: "wasm", quiet: true });
  });

  const models: Array<[string, () => tf.LayersModel, number[]]> = [
    ["LeNet-5 (ReLU, max-pool)", () => lenet5({ variant: "modern", seed: 1 }), [4, 28, 28, 1]],
    ["classic LeNet (tanh, sigmoid, average pool, 32×32)", classicLeNet, [4, 32, 32, 1]],
    [
      "a deep net (conv-BN-ReLU, max/avg pool, stride 2, residual, layer norm)",
      () => deepNet({ dropout: false }),
      [4, 12, 12, 3],
    ],
  ];
  for (const [name, build, shape] of models)
    for (const engine of ["wasm", "native"] as const) {
      it(`one training step of ${name} gives the same weights on ${engine} as on cpu`, async function () {
        requireEngine(this, engine);
        await useBestBackend({ backend: "cpu", quiet: true });
        const initial = tf.tidy(() =>
          build()
            .getWeights()
            .map((w) => w.dataSync() as Float32Array),
        );
        const batch = randomBatch(seededRandom(shape[1]), shape);
        const onCpu = await oneStep("cpu", build, initial, batch);
        const onWasm = await oneStep(engine, build, initial, batch);
        onWasm.forEach((weights, i) => {
          const change = initial[i].map((w, j) => onCpu[i][j] - w);
          const wasmChange = initial[i].map((w, j) => weights[j] - w);
          // Compare the updates, not the weights: a wrong gradient hides inside large unchanged weights.
          assert.ok(
            relativeError(wasmChange, change) <= 1e-3,
            `weights ${i} update differs: ${relativeError(wasmChange, change)}`,
          );
        });
      });
    }

  for (const engine of ["wasm", "native"] as const)
    it(`fit with dropout and Adam runs on ${engine}, and fit + dispose leaks no tensors`, async function () {
      requireEngine(this, engine);
      await useBestBackend({ backend: engine, quiet: true });
      const random = seededRandom(1);
      const cycle = async (): Promise<number> => {
        const model = deepNet({ dropout: true });
        model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
        const batch = randomBatch(random, [8, 12, 12, 3]);
        const x = tf.tensor(batch.x, batch.shape);
        const y = tf.tensor2d(batch.y, [8, 10]);
        const history = await model.fit(x, y, { batchSize: 4, epochs: 2, verbose: 0 });
        tf.dispose([x, y]);
        // model.dispose() leaves the optimizer's slot tensors (Adam's moments) alive: free them too.
        model.optimizer.dispose();
        model.dispose();
        return history.history.loss[1] as number;
      };
      await cycle(); // tfjs keeps a few tensors for good on first use (cached scalars); count from the second cycle.
      const before = tf.memory().numTensors;
      const loss = await cycle();
      assert.ok(Number.isFinite(loss), `loss is finite: ${loss}`);
      assert.equal(tf.memory().numTensors, before, "tensors after a fit + dispose cycle");
    });
});

describe("engine: tf.layers.conv2d in training computes only the gradients the loss needs", function () {
  this.timeout(60_000);
  returnToDefaultEngine();

  for (const engine of ["native", "wasm", "cpu"] as const) {
    it(`on ${engine}: no input gradient for the first layer, and the same gradients as tfjs's fused convolution`, async function () {
      requireEngine(this, engine);
      await useBestBackend({ backend: engine, quiet: true });
      const random = seededRandom(71);
      for (const [activation, useBias, strides, padding] of [
        ["linear", false, 1, "same"],
        ["tanh", true, 2, "valid"],
        ["relu", true, 1, "same"],
      ] as const) {
        const layer = tf.layers.conv2d({
          inputShape: [9, 8, 3],
          filters: 4,
          kernelSize: 3,
          strides,
          padding,
          activation,
          useBias,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
          biasInitializer: tf.initializers.randomNormal({ seed: 6 }),
        });
        const model = tf.sequential({ layers: [layer, tf.layers.flatten()] });
        const x = tf.tensor4d(randomValues(random, 2 * 9 * 8 * 3), [2, 9, 8, 3]);
        const weights = tf.tensor1d(randomValues(random, model.outputs[0].shape[1] as number));
        const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const loss = (output: tf.Tensor): tf.Scalar => tf.sum(tf.mul(output, weights));
        const profile = await tf.profile(() =>
          tf.dispose(tf.variableGrads(() => loss(model.apply(x, { training: true }) as tf.Tensor), variables).grads),
        );
        assert.ok(
          !profile.kernelNames.includes(tf.Conv2DBackpropInput),
          `${activation}: no input gradient computed (ran: ${profile.kernelNames.join(", ")})`,
        );
        assert.ok(
          profile.kernelNames.includes(tf.Conv2DBackpropFilter),
          `${activation}: the filter gradient is computed`,
        );
        const ours = tf.variableGrads(() => loss(model.apply(x, { training: true }) as tf.Tensor), variables).grads;
        const reference = tf.variableGrads(() => {
          const convolved = tf.fused.conv2d({
            x,
            filter: variables[0] as unknown as tf.Tensor4D,
            strides,
            pad: padding,
            bias: useBias ? variables[1] : undefined,
            activation: activation === "tanh" ? "linear" : activation,
          });
          return loss(tf.reshape(activation === "tanh" ? tf.tanh(convolved) : convolved, [2, -1]));
        }, variables).grads;
        for (const variable of variables) {
          const error = relativeError(ours[variable.name].dataSync(), reference[variable.name].dataSync());
          assert.ok(error <= 1e-5, `${activation}: gradient of ${variable.name}: ${error}`);
        }
        tf.dispose([x, weights, ...Object.values(ours), ...Object.values(reference)]);
      }
    });
  }
});
