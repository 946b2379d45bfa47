import * as tf from "@tensorflow/tfjs";
import { strict as assert } from "assert";
import { useBestBackend } from "../../src/engine";
import { stockGradient, stockKernel } from "../../src/engine/kernels/register";
import { engines, requireEngine, returnToDefaultEngine } from "./engines";
import { checkGradients, distinctValues, randomValues, relativeError, seededRandom } from "./gradientCheck";

const tolerance = 1e-4;

type Shape4 = [number, number, number, number];
interface ConvCase {
  x: Shape4;
  filter: Shape4;
  strides: [number, number];
  pad: "same" | "valid";
}
interface PoolCase {
  x: Shape4;
  filterSize: [number, number];
  strides: [number, number];
  pad: "same" | "valid";
}

// Batch 1, channels 1 and 3, stride 2, both paddings and non-square kernels, then a few seeded random shapes.
const convCases: ConvCase[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 2], strides: [1, 1], pad: "same" },
  { x: [2, 7, 6, 3], filter: [3, 2, 3, 4], strides: [2, 2], pad: "valid" },
  { x: [1, 9, 7, 1], filter: [2, 3, 1, 3], strides: [2, 1], pad: "same" },
  { x: [2, 6, 6, 3], filter: [1, 1, 3, 2], strides: [2, 2], pad: "same" },
  { x: [3, 8, 8, 3], filter: [5, 5, 3, 6], strides: [1, 1], pad: "valid" },
  ...randomConvCases(3),
];
const poolCases: PoolCase[] = [
  { x: [1, 4, 4, 1], filterSize: [2, 2], strides: [2, 2], pad: "valid" },
  { x: [2, 7, 6, 3], filterSize: [3, 2], strides: [2, 1], pad: "same" },
  { x: [1, 6, 6, 3], filterSize: [3, 3], strides: [1, 1], pad: "same" },
  { x: [3, 7, 7, 1], filterSize: [2, 2], strides: [2, 2], pad: "same" },
  { x: [2, 9, 8, 3], filterSize: [3, 3], strides: [2, 2], pad: "valid" },
];

function randomConvCases(count: number): ConvCase[] {
  const random = seededRandom(7);
  const pick = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  const cases: ConvCase[] = [];
  for (let i = 0; i < count; i++) {
    const filterHeight = pick(1, 4);
    const filterWidth = pick(1, 4);
    const channels = random() < 0.5 ? 1 : 3;
    cases.push({
      x: [pick(1, 3), pick(filterHeight, 10), pick(filterWidth, 10), channels],
      filter: [filterHeight, filterWidth, channels, pick(1, 5)],
      strides: [pick(1, 2), pick(1, 2)],
      pad: random() < 0.5 ? "same" : "valid",
    });
  }
  return cases;
}

function describeCase(c: ConvCase | PoolCase): string {
  const kernel = "filter" in c ? `filter [${c.filter}]` : `pool [${c.filterSize}]`;
  return `x [${c.x}] ${kernel} strides [${c.strides}] ${c.pad}`;
}

/** Runs a kernel of the stock cpu backend (the reference) on fresh cpu tensors and returns its values. */
async function stockCpu(
  kernelName: string,
  inputs: Record<string, { values: ArrayLike<number>; shape: number[]; dtype?: tf.DataType }>,
  attrs: object,
): Promise<Float32Array> {
  const active = tf.getBackend();
  await tf.setBackend("cpu");
  const kernel = stockKernel(kernelName, "cpu");
  assert.ok(kernel, `tfjs has a stock cpu ${kernelName} kernel`);
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([name, input]) => [
      name,
      tf.tensor(input.values as Float32Array, input.shape, input.dtype ?? "float32"),
    ]),
  );
  const cpu = tf.findBackend("cpu") as tf.KernelBackend;
  const result = kernel.kernelFunc({ inputs: tensors, attrs: attrs as tf.NamedAttrMap, backend: cpu }) as tf.TensorInfo;
  const values = Float32Array.from(cpu.readSync(result.dataId) as Float32Array);
  cpu.disposeData(result.dataId);
  tf.dispose(Object.values(tensors));
  await tf.setBackend(active);
  return values;
}

/** Runs a kernel as registered on the active backend (ours where we registered one). */
function active(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: object): Float32Array {
  return tf.tidy(() =>
    Float32Array.from((tf.engine().runKernel(kernelName, inputs, attrs as tf.NamedAttrMap) as tf.Tensor).dataSync()),
  );
}

describe("engine kernels: gradients match the stock cpu kernels and finite differences", function () {
  this.timeout(60_000);
  returnToDefaultEngine(async () => {
    await useBestBackend({ backend: "cpu", quiet: true });
    await useBestBackend({ backend: "wasm", quiet: true });
  });

  for (const engine of engines) {
    describe(`on ${engine}`, () => {
      before(async function () {
        requireEngine(this, engine);
        await useBestBackend({ backend: engine, quiet: true });
      });

      it("registers the gradient kernels model.fit needs", () => {
        for (const name of [tf.Conv2DBackpropFilter, tf.Conv2DBackpropInput, tf.MaxPoolGrad, tf.AvgPoolGrad, tf.Tile]) {
          assert.ok(tf.getKernel(name, tf.getBackend()), `${name} is registered for ${engine}`);
        }
      });

      for (const c of convCases) {
        it(`Conv2DBackpropFilter and Conv2DBackpropInput, ${describeCase(c)}`, async () => {
          const random = seededRandom(c.x.reduce((a, b) => a * 31 + b, 1) + c.filter[0]);
          const xValues = randomValues(random, tf.util.sizeFromShape(c.x));
          const filterValues = randomValues(random, tf.util.sizeFromShape(c.filter));
          const x = tf.tensor4d(xValues, c.x);
          const filter = tf.tensor4d(filterValues, c.filter);
          const dyShape = tf.tidy(() => tf.conv2d(x, filter, c.strides, c.pad).shape);
          const dyValues = randomValues(random, tf.util.sizeFromShape(dyShape));
          const dy = tf.tensor(dyValues, dyShape);

          const filterAttrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", filterShape: c.filter };
          const ours = active(tf.Conv2DBackpropFilter, { x, dy }, filterAttrs);
          const reference = await stockCpu(
            tf.Conv2DBackpropFilter,
            { x: { values: xValues, shape: c.x }, dy: { values: dyValues, shape: dyShape } },
            filterAttrs,
          );
          assert.ok(
            relativeError(ours, reference) <= tolerance,
            `filter gradient vs stock cpu: ${relativeError(ours, reference)}`,
          );

          const inputAttrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", inputShape: c.x };
          const oursInput = active(tf.Conv2DBackpropInput, { dy, filter }, inputAttrs);
          const referenceInput = await stockCpu(
            tf.Conv2DBackpropInput,
            { dy: { values: dyValues, shape: dyShape }, filter: { values: filterValues, shape: c.filter } },
            inputAttrs,
          );
          assert.ok(
            relativeError(oursInput, referenceInput) <= tolerance,
            `input gradient vs stock cpu: ${relativeError(oursInput, referenceInput)}`,
          );

          // conv2d is linear in x and in the filter: a step of 1 gives exact difference quotients.
          const check = checkGradients(
            (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad),
            [x, filter],
            { random, step: 1, samples: 12 },
          );
          check.finiteDifferenceErrors.forEach((error, i) =>
            assert.ok(error <= tolerance, `${i === 0 ? "x" : "filter"} vs finite differences: ${error}`),
          );
          tf.dispose([x, filter, dy]);
        });
      }

      for (const c of poolCases) {
        it(`MaxPoolGrad and AvgPoolGrad, ${describeCase(c)}`, async () => {
          const random = seededRandom(c.x.reduce((a, b) => a * 17 + b, 3) + c.filterSize[1]);
          const size = tf.util.sizeFromShape(c.x);
          const xValues = distinctValues(random, size);
          const x = tf.tensor4d(xValues, c.x);
          const output = tf.maxPool(x, c.filterSize, c.strides, c.pad);
          const dyValues = randomValues(random, output.size);
          const dy = tf.tensor(dyValues, output.shape);
          const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };

          const oursMax = active(tf.MaxPoolGrad, { dy, input: x, output }, attrs);
          const referenceMax = await stockCpu(
            tf.MaxPoolGrad,
            {
              dy: { values: dyValues, shape: output.shape },
              input: { values: xValues, shape: c.x },
              output: { values: output.dataSync(), shape: output.shape },
            },
            attrs,
          );
          assert.ok(
            relativeError(oursMax, referenceMax) <= tolerance,
            `max pool gradient vs stock cpu: ${relativeError(oursMax, referenceMax)}`,
          );
          const maxCheck = checkGradients((a) => tf.maxPool(a as tf.Tensor4D, c.filterSize, c.strides, c.pad), [x], {
            random,
            step: 0.25,
            samples: 16,
          });
          assert.ok(
            maxCheck.finiteDifferenceErrors[0] <= tolerance,
            `max pool vs finite differences: ${maxCheck.finiteDifferenceErrors[0]}`,
          );

          const oursAverage = active(tf.AvgPoolGrad, { dy, input: x }, attrs);
          if (c.pad === "valid") {
            // With "same" the stock cpu gradient divides border windows by the full filter size while the forward
            // op divides by the pixels inside the input; finite differences below side with the forward op.
            const referenceAverage = await stockCpu(
              tf.AvgPoolGrad,
              { dy: { values: dyValues, shape: output.shape }, input: { values: xValues, shape: c.x } },
              attrs,
            );
            assert.ok(
              relativeError(oursAverage, referenceAverage) <= tolerance,
              `average pool gradient vs stock cpu: ${relativeError(oursAverage, referenceAverage)}`,
            );
          }
          const averageCheck = checkGradients(
            (a) => tf.avgPool(a as tf.Tensor4D, c.filterSize, c.strides, c.pad),
            [x],
            { random, step: 1, samples: 16 },
          );
          assert.ok(
            averageCheck.finiteDifferenceErrors[0] <= tolerance,
            `average pool vs finite differences: ${averageCheck.finiteDifferenceErrors[0]}`,
          );
          tf.dispose([x, output, dy]);
        });
      }

      const tileCases: Array<{ shape: number[]; reps: number[] }> = [
        { shape: [3], reps: [4] },
        { shape: [2, 3], reps: [3, 1] },
        { shape: [2, 1, 3], reps: [1, 4, 2] },
        { shape: [2, 2, 2, 3], reps: [2, 3, 1, 2] },
        { shape: [1, 1, 1, 5], reps: [4, 3, 3, 1] },
      ];
      for (const c of tileCases) {
        it(`Tile and its gradient, shape [${c.shape}] reps [${c.reps}]`, async () => {
          const random = seededRandom(c.shape.length * 101 + c.reps[0]);
          const values = randomValues(random, tf.util.sizeFromShape(c.shape));
          for (const dtype of ["float32", "int32", "bool"] as const) {
            const typed =
              dtype === "float32" ? values : values.map((v) => (dtype === "bool" ? Number(v > 0) : Math.round(v * 10)));
            const x = tf.tensor(typed, c.shape, dtype);
            const ours = active(tf.Tile, { x }, { reps: c.reps });
            const reference = await stockCpu(
              tf.Tile,
              { x: { values: typed, shape: c.shape, dtype } },
              { reps: c.reps },
            );
            assert.deepEqual(Array.from(ours), Array.from(reference), `${dtype} tile`);
            x.dispose();
          }
          const x = tf.tensor(values, c.shape);
          const check = checkGradients((a) => tf.tile(a, c.reps), [x], { random, step: 1, samples: 8 });
          assert.ok(
            check.finiteDifferenceErrors[0] <= tolerance,
            `tile gradient vs finite differences: ${check.finiteDifferenceErrors[0]}`,
          );
          x.dispose();
        });
      }

      it("FusedBatchNorm gradient, against tfjs's own gradient and finite differences", () => {
        const random = seededRandom(11);
        const shape: Shape4 = [2, 4, 3, 3];
        const x = tf.tensor4d(randomValues(random, 72), shape);
        const mean = tf.tensor1d(randomValues(random, 3));
        const variance = tf.tensor1d(Array.from(randomValues(random, 3), (v) => 1 + 0.5 * v));
        const offset = tf.tensor1d(randomValues(random, 3));
        const scale = tf.tensor1d(randomValues(random, 3));
        const f = (...t: tf.Tensor[]): tf.Tensor => tf.batchNorm(t[0], t[1], t[2], t[3], t[4], 1e-3);
        const inputs = [x, mean, variance, offset, scale];
        // Linear in x, mean, offset and scale: exact difference quotients with a step of 1.
        const check = checkGradients(f, inputs, { random, step: 1, samples: 6, inputsToCheck: [0, 1, 3, 4] });
        check.finiteDifferenceErrors.forEach((error) =>
          assert.ok(error <= tolerance, `batch norm vs finite differences: ${error}`),
        );
        // Variance enters through rsqrt: a small step, and float32 rounding of the forward op, allow 1e-3.
        const varianceCheck = checkGradients(f, inputs, {
          random: seededRandom(5),
          step: 1e-2,
          samples: 3,
          inputsToCheck: [2],
        });
        assert.ok(
          varianceCheck.finiteDifferenceErrors[0] <= 1e-3,
          `batch norm variance vs finite differences: ${varianceCheck.finiteDifferenceErrors[0]}`,
        );

        const ours = checkGradients(f, inputs, { random: seededRandom(3), step: 1, samples: 0 }).analytic;
        const stock = stockGradient(tf.FusedBatchNorm);
        assert.ok(stock, "tfjs has its own FusedBatchNorm gradient");
        const mine = tf.getGradient(tf.FusedBatchNorm);
        tf.registerGradient(stock);
        try {
          const reference = checkGradients(f, inputs, { random: seededRandom(3), step: 1, samples: 0 }).analytic;
          reference.forEach((expected, i) =>
            assert.ok(
              relativeError(ours[i], expected) <= tolerance,
              `input ${i} vs tfjs's gradient: ${relativeError(ours[i], expected)}`,
            ),
          );
        } finally {
          tf.registerGradient(mine);
        }
        tf.dispose(inputs);
      });
    });
  }
});
