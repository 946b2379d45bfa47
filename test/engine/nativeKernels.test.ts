import * as tf from "@tensorflow/tfjs";
import { strict as assert } from "assert";
import { useBestBackend, type BackendName } from "../../src/engine";
import { loadNativeEngine } from "../../src/engine/native/binding";
import { requireEngine, returnToDefaultEngine } from "./engines";
import { checkGradients, distinctValues, randomValues, relativeError, seededRandom } from "./gradientCheck";

const tolerance = 1e-4;

/** Runs `f` on the stock-kernel cpu engine and on the native engine with the same inputs; returns both results. */
async function onBoth(
  inputs: Array<{ values: Float32Array; shape: number[] }>,
  f: (...t: tf.Tensor[]) => tf.Tensor,
): Promise<[Float32Array, Float32Array]> {
  const run = async (engine: BackendName): Promise<Float32Array> => {
    await useBestBackend({ backend: engine, quiet: true });
    return tf.tidy(() =>
      Float32Array.from(f(...inputs.map((input) => tf.tensor(input.values, input.shape))).dataSync()),
    );
  };
  const reference = await run("cpu");
  const native = await run("native");
  return [native, reference];
}

function randomInput(random: () => number, shape: number[]): { values: Float32Array; shape: number[] } {
  return { values: randomValues(random, tf.util.sizeFromShape(shape)), shape };
}

describe("native engine kernels: against tfjs's cpu kernels and finite differences", function () {
  this.timeout(60_000);
  before(function () {
    requireEngine(this, "native");
  });
  returnToDefaultEngine();

  const convolutions: Array<{
    x: number[];
    filter: number[];
    strides: [number, number];
    pad: "same" | "valid";
    dilations?: [number, number];
  }> = [
    { x: [1, 5, 5, 1], filter: [3, 3, 1, 2], strides: [1, 1], pad: "same" },
    { x: [2, 7, 6, 3], filter: [3, 2, 3, 4], strides: [2, 2], pad: "valid" },
    { x: [3, 9, 7, 5], filter: [2, 3, 5, 7], strides: [2, 1], pad: "same" },
    { x: [2, 11, 10, 3], filter: [3, 3, 3, 17], strides: [1, 1], pad: "same", dilations: [2, 2] },
    { x: [4, 28, 28, 1], filter: [5, 5, 1, 6], strides: [1, 1], pad: "same" },
  ];
  for (const c of convolutions) {
    const label = `x [${c.x}] filter [${c.filter}] strides [${c.strides}] ${c.pad}${c.dilations ? ` dilations [${c.dilations}]` : ""}`;
    it(`Conv2D and FusedConv2D (bias + ReLU), ${label}`, async () => {
      const random = seededRandom(c.x[1] * 13 + c.filter[3]);
      const inputs = [randomInput(random, c.x), randomInput(random, c.filter), randomInput(random, [c.filter[3]])];
      const plain = await onBoth(inputs, (x, filter) =>
        tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad, "NHWC", c.dilations),
      );
      assert.ok(relativeError(...plain) <= tolerance, `conv2d: ${relativeError(...plain)}`);
      const fused = await onBoth(inputs, (x, filter, bias) =>
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: filter as tf.Tensor4D,
          strides: c.strides,
          pad: c.pad,
          dilations: c.dilations,
          bias,
          activation: "relu",
        }),
      );
      assert.ok(relativeError(...fused) <= tolerance, `fused conv2d: ${relativeError(...fused)}`);
      assert.ok(
        fused[0].some((v) => v === 0) && fused[0].some((v) => v > 0),
        "ReLU clipped some outputs and kept others",
      );
    });
  }

  const depthwise: Array<{ x: number[]; filter: number[]; strides: [number, number]; pad: "same" | "valid" }> = [
    { x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: [1, 1], pad: "same" },
    { x: [2, 7, 6, 3], filter: [3, 2, 3, 2], strides: [2, 2], pad: "valid" },
    { x: [3, 9, 8, 5], filter: [3, 3, 5, 1], strides: [2, 1], pad: "same" },
    { x: [2, 10, 10, 16], filter: [3, 3, 16, 3], strides: [1, 1], pad: "same" },
  ];
  for (const c of depthwise) {
    it(`depthwise convolution forward, fused, and both gradients, x [${c.x}] filter [${c.filter}] strides [${c.strides}] ${c.pad}`, async () => {
      const random = seededRandom(c.x[3] * 11 + c.filter[3]);
      const inputs = [
        randomInput(random, c.x),
        randomInput(random, c.filter),
        randomInput(random, [c.filter[2] * c.filter[3]]),
      ];
      const plain = await onBoth(inputs, (x, filter) =>
        tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad),
      );
      assert.ok(relativeError(...plain) <= tolerance, `depthwise conv2d: ${relativeError(...plain)}`);
      const fused = await onBoth(inputs, (x, filter, bias) =>
        tf.fused.depthwiseConv2d({
          x: x as tf.Tensor4D,
          filter: filter as tf.Tensor4D,
          strides: c.strides,
          pad: c.pad,
          bias,
          activation: "relu",
        }),
      );
      assert.ok(relativeError(...fused) <= tolerance, `fused depthwise conv2d: ${relativeError(...fused)}`);
      const weights = randomInput(random, [plain[0].length]);
      const loss = (x: tf.Tensor, filter: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.reshape(tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad), [-1]),
            tf.tensor(weights.values),
          ),
        );
      for (const which of [0, 1]) {
        const gradient = await onBoth(
          inputs,
          (x, filter) => tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a, b))([x, filter])[which],
        );
        assert.ok(
          relativeError(...gradient) <= tolerance,
          `${which === 0 ? "input" : "filter"} gradient vs cpu: ${relativeError(...gradient)}`,
        );
      }
      // Linear in x and in the filter: a step of 1 gives exact difference quotients.
      await useBestBackend({ backend: "native", quiet: true });
      const x = tf.tensor(inputs[0].values, c.x);
      const filter = tf.tensor(inputs[1].values, c.filter);
      const check = checkGradients(
        (a, b) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad),
        [x, filter],
        { random, step: 1, samples: 12 },
      );
      check.finiteDifferenceErrors.forEach((error, i) =>
        assert.ok(error <= tolerance, `${i === 0 ? "x" : "filter"} vs finite differences: ${error}`),
      );
      tf.dispose([x, filter]);
    });
  }

  it("a separable convolution layer trains on the native engine as on cpu", async () => {
    const random = seededRandom(61);
    const xValues = randomValues(random, 4 * 9 * 9 * 3);
    const labels = Array.from({ length: 4 }, (_, i) => i % 2);
    const run = async (engine: BackendName): Promise<Float32Array[]> => {
      await useBestBackend({ backend: engine, quiet: true });
      const model = tf.sequential({
        layers: [
          tf.layers.separableConv2d({
            inputShape: [9, 9, 3],
            filters: 4,
            kernelSize: 3,
            depthMultiplier: 2,
            activation: "relu",
            depthwiseInitializer: tf.initializers.glorotUniform({ seed: 1 }),
            pointwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }),
          }),
          tf.layers.flatten(),
          tf.layers.dense({
            units: 2,
            activation: "softmax",
            kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
          }),
        ],
      });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: "sparseCategoricalCrossentropy" });
      await model.fit(tf.tensor4d(xValues, [4, 9, 9, 3]), tf.tensor1d(labels), {
        epochs: 2,
        batchSize: 4,
        verbose: 0,
        shuffle: false,
      });
      return model.getWeights().map((w) => Float32Array.from(w.dataSync()));
    };
    const reference = await run("cpu");
    const native = await run("native");
    native.forEach((w, i) =>
      assert.ok(relativeError(w, reference[i]) <= 1e-4, `weights ${i}: ${relativeError(w, reference[i])}`),
    );
  });

  const products: Array<{ a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
    { a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
    { a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
    { a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
    { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
    { a: [3, 4, 6], b: [3, 6, 2], transposeA: false, transposeB: false },
    { a: [3, 4, 6], b: [6, 2], transposeA: false, transposeB: false },
    { a: [1, 6, 4], b: [2, 3, 6, 5], transposeA: true, transposeB: false },
    { a: [64, 400], b: [400, 120], transposeA: false, transposeB: false },
  ];
  for (const p of products) {
    it(`BatchMatMul and _FusedMatMul (bias + ReLU), a [${p.a}]${p.transposeA ? "ᵀ" : ""} · b [${p.b}]${p.transposeB ? "ᵀ" : ""}`, async () => {
      const random = seededRandom(p.a.length * 7 + p.b[p.b.length - 1]);
      const n = p.transposeB ? p.b[p.b.length - 2] : p.b[p.b.length - 1];
      const inputs = [randomInput(random, p.a), randomInput(random, p.b), randomInput(random, [n])];
      const plain = await onBoth(inputs, (a, b) => tf.matMul(a, b, p.transposeA, p.transposeB));
      assert.ok(relativeError(...plain) <= tolerance, `matMul: ${relativeError(...plain)}`);
      if (p.a.length === 2 && p.b.length === 2) {
        const fused = await onBoth(inputs, (a, b, bias) =>
          tf.fused.matMul({ a, b, transposeA: p.transposeA, transposeB: p.transposeB, bias, activation: "relu" }),
        );
        assert.ok(relativeError(...fused) <= tolerance, `fused matMul: ${relativeError(...fused)}`);
      }
    });
  }

  for (const [shape, size, strides, pad] of [
    [[2, 7, 6, 3], 3, 2, "same"],
    [[3, 8, 8, 5], 2, 2, "valid"],
    [[1, 5, 9, 2], 3, 1, "same"],
  ] as const) {
    it(`MaxPool, x [${shape}] window ${size} stride ${strides} ${pad}`, async () => {
      const random = seededRandom(shape[3] * 3 + size);
      const input = { values: distinctValues(random, tf.util.sizeFromShape([...shape])), shape: [...shape] };
      const result = await onBoth([input], (x) => tf.maxPool(x as tf.Tensor4D, size, strides, pad));
      assert.deepEqual(Array.from(result[0]), Array.from(result[1]));
    });
  }

  const additions: Array<[number[], number[]]> = [
    [[3, 5, 4, 7], [7]],
    [[7], [2, 3, 7]],
    [
      [6, 9],
      [1, 9],
    ],
    [
      [2, 3, 4],
      [2, 3, 4],
    ],
    [
      [4, 3],
      [4, 1],
    ],
    [[5], [1]],
  ];
  for (const [aShape, bShape] of additions) {
    it(`Add, [${aShape}] + [${bShape}] (bias, same shape, or the stock kernel's broadcasting)`, async () => {
      const random = seededRandom(aShape.length * 5 + bShape[bShape.length - 1]);
      const result = await onBoth([randomInput(random, aShape), randomInput(random, bShape)], (a, b) => tf.add(a, b));
      assert.ok(relativeError(...result) <= 1e-6, `add: ${relativeError(...result)}`);
    });
  }

  const sums: Array<[number[], number[] | number | undefined, boolean]> = [
    [[64, 7, 7, 5], [0, 1, 2], false],
    [[3, 4, 6], [1, 0], true],
    [[9, 11], 0, false],
    [[4, 5, 6], [0, 2], false],
    [[3, 4], undefined, false],
  ];
  for (const [shape, axis, keepDims] of sums) {
    it(`Sum of [${shape}] over ${JSON.stringify(axis)}${keepDims ? ", keepDims" : ""}`, async () => {
      const random = seededRandom(shape[0] * 3 + shape.length);
      const result = await onBoth([randomInput(random, shape)], (x) => tf.sum(x, axis, keepDims));
      assert.ok(relativeError(...result) <= tolerance, `sum: ${relativeError(...result)}`);
      const shapes = await onBoth([randomInput(random, shape)], (x) => tf.tensor1d(tf.sum(x, axis, keepDims).shape));
      assert.deepEqual(Array.from(shapes[0]), Array.from(shapes[1]), "the same output shape");
    });
  }

  it("FusedBatchNorm with given statistics (inference), and ReLU keeps NaN as tfjs does", async () => {
    const random = seededRandom(4);
    const channels = 5;
    const inputs = [
      randomInput(random, [3, 4, 2, channels]),
      randomInput(random, [channels]),
      { values: randomValues(random, channels).map((v) => 1 + 0.5 * v), shape: [channels] },
      randomInput(random, [channels]),
      randomInput(random, [channels]),
    ];
    const result = await onBoth(inputs, (x, mean, variance, offset, scale) =>
      tf.batchNorm(x, mean, variance, offset, scale, 1e-3),
    );
    assert.ok(relativeError(...result) <= tolerance, `batch norm: ${relativeError(...result)}`);
    const relu = await onBoth([{ values: Float32Array.from([-1, 0, 2, NaN]), shape: [4] }], (x) => tf.relu(x));
    assert.deepEqual(Array.from(relu[0]), Array.from(relu[1]));
  });

  it("ReLU's gradient against finite differences and the cpu engine", async () => {
    await useBestBackend({ backend: "native", quiet: true });
    const random = seededRandom(9);
    // Values away from 0, so a step of 0.01 never crosses the kink.
    const values = randomValues(random, 2 * 9 * 9 * 4).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
    const x = tf.tensor(values, [2, 9, 9, 4]);
    const check = checkGradients((a) => tf.relu(a), [x], { random, step: 0.01, samples: 20 });
    assert.ok(
      check.finiteDifferenceErrors[0] <= 1e-3,
      `relu vs finite differences: ${check.finiteDifferenceErrors[0]}`,
    );
    x.dispose();
    const gradient = await onBoth([{ values, shape: [2, 9, 9, 4] }], (a) =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), t)))(a),
    );
    assert.ok(relativeError(...gradient) <= tolerance, `relu gradient: ${relativeError(...gradient)}`);
  });

  it("tf.layers.batchNormalization in training: output, gradients and moving statistics match the cpu engine", async () => {
    const random = seededRandom(21);
    const shape = [4, 5, 3, 6];
    const xValues = randomValues(random, tf.util.sizeFromShape(shape)).map((v) => 3 * v + 1);
    const gamma = randomValues(random, 6).map((v) => 1 + 0.5 * v);
    const beta = randomValues(random, 6);
    const weights = randomValues(random, tf.util.sizeFromShape(shape));
    const run = async (engine: BackendName) => {
      await useBestBackend({ backend: engine, quiet: true });
      const layer = tf.layers.batchNormalization({ momentum: 0.9 });
      layer.build(shape);
      layer.setWeights([tf.tensor1d(gamma), tf.tensor1d(beta), tf.zeros([6]), tf.ones([6])]);
      const x = tf.tensor(xValues, shape);
      const w = tf.tensor(weights, shape);
      const f = (input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor => {
        // The layer reads its own variables: route the function's arguments into them.
        (layer as unknown as { gamma: tf.LayerVariable }).gamma.write(scale);
        (layer as unknown as { beta: tf.LayerVariable }).beta.write(offset);
        return tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, w));
      };
      const output = tf.tidy(() => Float32Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync()));
      const moving = layer
        .getWeights()
        .slice(2)
        .map((t) => Float32Array.from(t.dataSync()));
      const gradients = tf.tidy(() => {
        const gamma0 = tf.tensor1d(gamma);
        const beta0 = tf.tensor1d(beta);
        // Gradients with respect to x through the batch statistics (tf.grads of the whole layer).
        const dx = tf.grad((input: tf.Tensor) => f(input, gamma0, beta0))(x);
        const { grads } = tf.variableGrads(
          () => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar,
          layer.trainableWeights.map((v) => v.read() as tf.Variable),
        );
        return [Float32Array.from(dx.dataSync()), ...Object.values(grads).map((g) => Float32Array.from(g.dataSync()))];
      });
      tf.dispose([x, w]);
      // Not layer.dispose(): a layer applied outside a model counts as never used, and dispose() throws.
      return { output, moving, gradients };
    };
    const reference = await run("cpu");
    const native = await run("native");
    const ran = await tf.profile(() => {
      const layer = tf.layers.batchNormalization();
      tf.dispose(layer.apply(tf.ones([2, 3, 3, 4]), { training: true }) as tf.Tensor);
    });
    assert.ok(
      ran.kernelNames.includes("CnnlabBatchNormTraining"),
      `the native engine ran its fused kernel (ran: ${ran.kernelNames.join(", ")})`,
    );
    assert.ok(
      relativeError(native.output, reference.output) <= tolerance,
      `output: ${relativeError(native.output, reference.output)}`,
    );
    native.moving.forEach((m, i) =>
      assert.ok(
        relativeError(m, reference.moving[i]) <= tolerance,
        `moving statistic ${i}: ${relativeError(m, reference.moving[i])}`,
      ),
    );
    native.gradients.forEach((g, i) =>
      assert.ok(
        relativeError(g, reference.gradients[i]) <= 1e-3,
        `gradient ${i}: ${relativeError(g, reference.gradients[i])}`,
      ),
    );
  });

  it("the batch-norm training kernel's gradient against finite differences", async () => {
    await useBestBackend({ backend: "native", quiet: true });
    const random = seededRandom(31);
    const shape = [3, 4, 4, 5];
    const x = tf.tensor(randomValues(random, tf.util.sizeFromShape(shape)), shape);
    const scale = tf.tensor1d(randomValues(random, 5).map((v) => 1 + 0.5 * v));
    const offset = tf.tensor1d(randomValues(random, 5));
    const f = (a: tf.Tensor, s: tf.Tensor, o: tf.Tensor): tf.Tensor =>
      (
        tf
          .engine()
          .runKernel("CnnlabBatchNormTraining", { x: a, scale: s, offset: o }, { epsilon: 1e-3 }) as tf.Tensor[]
      )[0];
    // Nonlinear in x through the batch statistics: a small step; float32 forward passes allow 2e-3.
    const check = checkGradients((...t) => f(t[0], t[1], t[2]), [x, scale, offset], {
      random,
      step: 1e-2,
      samples: 12,
    });
    check.finiteDifferenceErrors.forEach((error, i) =>
      assert.ok(error <= 2e-3, `input ${i} vs finite differences: ${error}`),
    );
    tf.dispose([x, scale, offset]);
  });

  it("Identity shares memory: a clone survives its original's disposal", async () => {
    await useBestBackend({ backend: "native", quiet: true });
    const before = tf.memory().numBytes;
    const x = tf.tensor([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    assert.deepEqual(Array.from(await y.data()), [1, 2, 3]);
    y.dispose();
    assert.equal(tf.memory().numBytes, before);
  });

  it("threads: the same results on 1 thread and on every core, and the engine line says how many", async () => {
    const random = seededRandom(41);
    const input = randomInput(random, [8, 16, 16, 8]);
    const filter = randomInput(random, [3, 3, 8, 16]);
    const results: Float32Array[] = [];
    for (const threads of [1, 2]) {
      const info = await useBestBackend({ backend: "native", quiet: true, threads });
      assert.equal(info.threads, threads);
      assert.match(info.line, new RegExp(`${threads} threads?\\)`));
      results.push(
        tf.tidy(() =>
          Float32Array.from(
            tf
              .conv2d(tf.tensor4d(input.values, [8, 16, 16, 8]), tf.tensor4d(filter.values, [3, 3, 8, 16]), 1, "same")
              .dataSync(),
          ),
        ),
      );
    }
    assert.ok(relativeError(results[0], results[1]) <= 1e-5);
    const binding = loadNativeEngine();
    assert.ok(binding.ok && binding.binding.implementation("conv2d").length > 0, "oneDNN names the convolution it ran");
  });
});

describe("native engine: tf.train.adam's fused update", function () {
  this.timeout(60_000);
  before(function () {
    requireEngine(this, "native");
  });
  returnToDefaultEngine();

  it("three Adam steps give the same weights and moments as tfjs's own Adam on cpu", async () => {
    const random = seededRandom(51);
    const shape = [6, 5];
    const start = randomValues(random, 30);
    // Targets 1 away, so no gradient changes sign in three steps and each weight moves by about the step size.
    const target = start.map((v, i) => v + (i % 2 === 0 ? 1 : -1));
    const run = async (engine: BackendName) => {
      await useBestBackend({ backend: engine, quiet: true });
      const w = tf.variable(tf.tensor(start, shape), true, `adam_test_${engine}`);
      const goal = tf.tensor(target, shape);
      const optimizer = tf.train.adam(0.05);
      for (let step = 0; step < 3; step++)
        tf.dispose(optimizer.minimize(() => tf.sum(tf.square(tf.sub(w, goal))) as tf.Scalar, true, [w]) ?? []);
      const weights = Float32Array.from(w.dataSync());
      const state = (await optimizer.getWeights()).map((named) => Float32Array.from(named.tensor.dataSync()));
      optimizer.dispose();
      tf.dispose([w, goal]);
      return { weights, state };
    };
    const reference = await run("cpu");
    const native = await run("native");
    assert.ok(
      relativeError(native.weights, reference.weights) <= tolerance,
      `weights: ${relativeError(native.weights, reference.weights)}`,
    );
    assert.equal(native.state.length, reference.state.length, "the same optimizer state (iterations, moments)");
    native.state.forEach((s, i) =>
      assert.ok(
        relativeError(s, reference.state[i]) <= tolerance,
        `state ${i}: ${relativeError(s, reference.state[i])}`,
      ),
    );
    const moved = native.weights.map((v, i) => v - start[i]);
    assert.ok(
      moved.every((d) => Math.abs(d) > 0.1),
      "every weight moved by about 3 × the learning rate",
    );
  });
});
