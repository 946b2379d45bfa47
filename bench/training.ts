/**
 * One bench measurement in a clean process: trains a model for a fixed number of steps on one backend, then times
 * inference, and prints one line `BENCH {json}`. Started by run.ts; usable by hand:
 *
 *   node dist/bench/training.js --engine wasm --model lenet5 --batch 64 --steps 100 [--profile] [--epoch]
 *
 * Engines: tensorflow, wasm, cpu (cnnlab's choice with its kernels), wasm-2threads (wasm with 2 threads whatever the default),
 * wasm-stock and cpu-stock (tfjs as shipped).
 */
import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "../src/engine";
import { silenceNodeBanner } from "../src/engine/silenceNodeBanner";
import { readMnist } from "./mnist";
import { BenchModel, buildModel, forwardFlops } from "./models";

/** What one measurement printed. */
export interface TrainingResult {
  engine: string;
  backend: string;
  threads: number;
  model: BenchModel;
  batch: number;
  steps: number;
  trainImagesPerSecond?: number;
  inferenceImagesPerSecond?: number;
  forwardFlops: number;
  peakRssBytes: number;
  finalLoss?: number;
  epochSeconds?: number;
  testAccuracy?: number;
  profile?: Array<{ kernel: string; share: number }>;
  error?: string;
}

function argument(name: string, fallback?: string): string {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0 && index + 1 < process.argv.length) return process.argv[index + 1];
  if (fallback === undefined) throw new Error(`missing --${name}`);
  return fallback;
}

async function selectEngine(engine: string): Promise<number> {
  if (engine === "cpu-stock" || engine === "wasm-stock") {
    const name = engine.replace("-stock", "");
    if (name === "wasm") require("@tensorflow/tfjs-backend-wasm");
    await tf.setBackend(name);
    silenceNodeBanner();
    return 1;
  }
  if (engine === "wasm-2threads") return (await useBestBackend({ backend: "wasm", threads: 2, quiet: true })).threads;
  const info = await useBestBackend({ backend: engine as "wasm" | "cpu" | "tensorflow", quiet: true });
  return info.threads;
}

function oneHot(labels: Uint8Array): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(labels), "int32"), 10).toFloat() as tf.Tensor2D);
}

async function main(): Promise<void> {
  const engine = argument("engine");
  const modelName = argument("model", "lenet5") as BenchModel;
  const batch = Number(argument("batch", "64"));
  const steps = Number(argument("steps", "20"));
  const wantProfile = process.argv.includes("--profile");
  const fullEpoch = process.argv.includes("--epoch");
  const result: TrainingResult = { engine, backend: "", threads: 1, model: modelName, batch, steps, forwardFlops: 0, peakRssBytes: 0 };
  try {
    result.threads = await selectEngine(engine);
    result.backend = tf.getBackend();
    const model = buildModel(tf, modelName);
    result.forwardFlops = forwardFlops(model);
    model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy", metrics: fullEpoch ? ["accuracy"] : [] });
    const count = fullEpoch ? 60000 : Math.min(60000, Math.max(steps, 2) * batch);
    const data = readMnist("train", count);
    const x = tf.tensor4d(data.images, [data.count, 28, 28, 1]);
    const y = oneHot(data.labels);

    // Warm-up: the first steps compile kernels, size the wasm heap and fill tfjs's caches.
    const warmX = x.slice(0, batch);
    const warmY = y.slice(0, batch);
    await model.fit(warmX, warmY, { batchSize: batch, epochs: 1, verbose: 0 });

    if (wantProfile) {
      const profileX = x.slice(0, Math.min(x.shape[0], batch * 2));
      const profileY = y.slice(0, Math.min(x.shape[0], batch * 2));
      const info = await tf.profile(async () => {
        await model.fit(profileX, profileY, { batchSize: batch, epochs: 1, verbose: 0, shuffle: false });
      });
      const byKernel = new Map<string, number>();
      for (const kernel of info.kernels) {
        // Ops that wrap kernels (names ending in __op) would count their kernels' time twice.
        if (kernel.name.endsWith("__op")) continue;
        const time = await kernel.kernelTimeMs;
        byKernel.set(kernel.name, (byKernel.get(kernel.name) ?? 0) + (typeof time === "number" ? time : 0));
      }
      const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
      result.profile = [...byKernel.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([kernel, time]) => ({ kernel, share: time / total }));
      tf.dispose([profileX, profileY]);
    }

    const trainX = fullEpoch ? x : x.slice(0, steps * batch);
    const trainY = fullEpoch ? y : y.slice(0, steps * batch);
    const start = process.hrtime.bigint();
    const history = await model.fit(trainX, trainY, { batchSize: batch, epochs: 1, verbose: 0, shuffle: fullEpoch });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    result.trainImagesPerSecond = trainX.shape[0] / seconds;
    result.finalLoss = history.history.loss[0] as number;
    if (fullEpoch) {
      result.epochSeconds = seconds;
      const test = readMnist("test");
      const testX = tf.tensor4d(test.images, [test.count, 28, 28, 1]);
      const testY = oneHot(test.labels);
      const evaluation = model.evaluate(testX, testY, { batchSize: 256 }) as tf.Scalar[];
      result.testAccuracy = (await evaluation[1].data())[0];
      tf.dispose([testX, testY, ...evaluation]);
    }

    const inferenceCount = Math.min(x.shape[0], engine === "cpu-stock" ? 256 : 2048);
    const inferenceX = x.slice(0, inferenceCount);
    const warmInference = inferenceX.slice(0, Math.min(256, inferenceCount));
    tf.dispose(model.predict(warmInference, { batchSize: 256 }) as tf.Tensor);
    warmInference.dispose();
    const inferenceStart = process.hrtime.bigint();
    const predictions = model.predict(inferenceX, { batchSize: 256 }) as tf.Tensor;
    await predictions.data();
    result.inferenceImagesPerSecond = inferenceCount / (Number(process.hrtime.bigint() - inferenceStart) / 1e9);
    tf.dispose([predictions, inferenceX, warmX, warmY, x, y]);
    if (trainX !== x) tf.dispose([trainX, trainY]);
  } catch (error) {
    result.error = String(error instanceof Error ? error.message : error).split("\n")[0];
  }
  result.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  console.log(`BENCH ${JSON.stringify(result)}`);
}

void main();
