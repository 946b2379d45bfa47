/**
 * One bench measurement in a clean process: trains a model on real MNIST through the library's `train()` for a fixed
 * number of steps on one engine, times inference, and prints one line `BENCH {json}`. Started by run.ts; usable by
 * hand:
 *
 *   node dist/bench/training.js --engine wasm --model lenet5 --batch 64 --steps 100 --threads 1
 *   node dist/bench/training.js --engine default --model vgg --profile     (kernel table of a training step, averaged over 8)
 *   node dist/bench/training.js --engine default --epoch                   (one full MNIST epoch of LeNet-5)
 *
 * Engines: `default` (whatever `useBestBackend()` picks with no arguments); `native`, `tensorflow`, `wasm`, `cpu` (the
 * library's engines with its kernels, `useBestBackend({ backend, threads })`); `wasm-stock`, `cpu-stock` (tfjs as
 * shipped, no library kernels).
 */
import * as tf from "@tensorflow/tfjs";
import { ImageDataset } from "../src/data";
import { backendInfo, NativeTrainingStep, useBestBackend, type BackendName } from "../src/engine";
import { silenceNodeBanner } from "../src/engine/silenceNodeBanner";
import { train } from "../src/train";
import { mnistSplit } from "./mnist";
import { BenchModel, benchModels, buildModel, forwardFlops } from "./models";

/** The tfjs engines a measurement can run on (see the file comment). */
export const benchEngines = ["default", "native", "tensorflow", "wasm", "cpu", "wasm-stock", "cpu-stock"] as const;

/** One of {@link benchEngines}. */
export type BenchEngine = (typeof benchEngines)[number];

/** One kernel's line in the profile of a training step. */
export interface KernelTime {
  /** The kernel's name as tfjs spells it (e.g. "Conv2DBackpropFilter"). */
  kernel: string;
  /** How often the step ran it. */
  calls: number;
  /** Its time summed over those calls, milliseconds. */
  ms: number;
  /** `ms` ÷ the time of all kernels of the step. */
  share: number;
}

/** Where the time of one training step went (tf.profile). */
export interface StepProfile {
  /** Wall time of the profiled step, milliseconds (profiling overhead included). */
  stepMs: number;
  /** Time spent inside kernels; the rest of `stepMs` is JavaScript around them (tape, batching, bookkeeping). */
  kernelMs: number;
  /** Kernel calls in the step. */
  kernelCalls: number;
  /** The kernels that took longest, longest first; for a native step, its layers' forward and backward passes. */
  kernels: KernelTime[];
  /** The step ran as one native call (src/engine/trainingStep): `kernels` are then layers as its first thread timed them. */
  nativeStep?: boolean;
}

/** What one measurement printed. bench/torch_bench.py and bench/keras_bench.py print the same fields. */
export interface TrainingResult {
  /** What was asked for: one of {@link benchEngines}, or "pytorch" / "keras". */
  engine: string;
  /** What ran: the tfjs backend (`backendInfo().name` for the library's engines), or the framework and its version. */
  backend: string;
  /** The line useBestBackend would have printed about its choice (the library's engines only). */
  engineLine?: string;
  /** Threads asked for; 0 for the engine's default. */
  requestedThreads: number;
  /** Threads the engine says it computes with (BackendInfo.threads; 0 where tfjs-node manages its own pool). */
  threads: number;
  model: BenchModel;
  batch: number;
  /** Timed training steps (batches). */
  steps: number;
  trainImagesPerSecond?: number;
  inferenceImagesPerSecond?: number;
  /** Images timed for inference. */
  inferenceImages?: number;
  /** Forward FLOPs per image of the conv and dense layers (see models.ts). */
  forwardFlops: number;
  /** Peak resident memory of the process, bytes. */
  peakRssBytes: number;
  /** Mean training loss of the timed epoch. */
  finalLoss?: number;
  /** `--epoch`: seconds of the epoch's training (without the test pass). */
  epochSeconds?: number;
  /** `--epoch`: accuracy on the 10,000 test images after the epoch. */
  testAccuracy?: number;
  /** `--profile`: the kernels of one training step. */
  profile?: StepProfile;
  /** Why the measurement failed, first line. */
  error?: string;
}

/** Kernel lines a profile keeps. */
const PROFILE_TOP = 15;
/** Fixed seed for train()'s shuffles, so two runs train on batches in the same order. */
const SEED = 1;

/** Trains `model` for one epoch over `data` and returns the epoch's mean loss. */
type Trainer = (model: tf.LayersModel, data: ImageDataset, batch: number) => Promise<number>;

/** The library's own training loop, as a notebook runs it (optimizer.minimize, batches made from bytes, shuffles). */
const libraryTrainer: Trainer = async (model, data, batch) => {
  const history = await train(model, data, {
    epochs: 1,
    batchSize: batch,
    quiet: true,
    seed: SEED,
    validation: false,
    fast: false,
  });
  if (history.last === undefined) throw new Error(`train() stopped early (${history.stopReason})`);
  return history.last.loss;
};

/**
 * tfjs as shipped: model.fit, what a plain-tfjs user runs. The stock rows cannot use `train()`: it starts the
 * library's engine, which registers cnnlab's kernels and so would measure the library instead.
 */
const stockTrainer: Trainer = async (model, data, batch) => {
  if (model.optimizer === undefined) model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  const { xs, ys } = data.tensors();
  try {
    const history = await model.fit(xs, ys, { batchSize: batch, epochs: 1, shuffle: true, verbose: 0 });
    return history.history.loss[0] as number;
  } finally {
    tf.dispose([xs, ys]);
  }
};

function argument(name: string, fallback?: string): string {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0 && index + 1 < process.argv.length) return process.argv[index + 1];
  if (fallback === undefined) throw new Error(`missing --${name}`);
  return fallback;
}

function count(name: string, fallback: string, minimum: number): number {
  const value = Number(argument(name, fallback));
  if (!Number.isInteger(value) || value < minimum)
    throw new Error(`--${name} must be an integer ≥ ${minimum}, got ${argument(name, fallback)}`);
  return value;
}

/** Starts the engine; returns what runs and with how many threads. */
async function selectEngine(
  engine: BenchEngine,
  threads: number,
): Promise<Pick<TrainingResult, "backend" | "threads" | "engineLine">> {
  if (engine === "cpu-stock" || engine === "wasm-stock") {
    const name = engine === "wasm-stock" ? "wasm" : "cpu";
    // Requiring the wasm backend registers it with tfjs; nothing of the library's engine is loaded.
    if (name === "wasm") require("@tensorflow/tfjs-backend-wasm");
    if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") failed`);
    silenceNodeBanner();
    // tfjs disables wasm threads under Node, so stock wasm computes on one thread whatever is asked.
    return { backend: name, threads: 1 };
  }
  await useBestBackend({
    // An engine the library does not know (yet) is rejected here with "unknown backend": run.ts reports the row so.
    ...(engine === "default" ? {} : { backend: engine as BackendName }),
    ...(threads > 0 ? { threads } : {}),
    quiet: true,
  });
  const info = backendInfo();
  if (info === undefined) throw new Error("useBestBackend() resolved but backendInfo() is undefined");
  return { backend: info.name, threads: info.threads, engineLine: info.line };
}

/** Training steps a profile averages over: a single step is at the mercy of one slow call (a thread waking late). */
const PROFILE_STEPS = 8;

/**
 * Profiles PROFILE_STEPS training steps (one train() call over that many batches) and reports the time per kernel
 * per step, averaged over them.
 */
async function profileStep(
  model: tf.LayersModel,
  data: ImageDataset,
  batch: number,
  trainer: Trainer,
): Promise<StepProfile> {
  const batches = data.subset(batch * PROFILE_STEPS);
  const compiled =
    model.optimizer === undefined
      ? undefined
      : NativeTrainingStep.compile(
          model,
          model.optimizer,
          model.trainableWeights.map((weight) => weight.read() as tf.Variable),
        );
  if (compiled?.ok) return profileNativeStep(compiled.step, batches, batch);
  const start = process.hrtime.bigint();
  const info = await tf.profile(async () => {
    await trainer(model, batches, batch);
  });
  const stepMs = Number(process.hrtime.bigint() - start) / 1e6 / PROFILE_STEPS;
  const byKernel = new Map<string, { calls: number; ms: number }>();
  for (const kernel of info.kernels) {
    // A record named after an op scope ("…__op") is a custom-gradient op whose inner kernels are recorded as well;
    // counting it too would count their time twice.
    if (kernel.name === "" || kernel.name.endsWith("__op")) continue;
    const time = await kernel.kernelTimeMs;
    const entry = byKernel.get(kernel.name) ?? { calls: 0, ms: 0 };
    entry.calls += 1 / PROFILE_STEPS;
    entry.ms += (typeof time === "number" ? time : 0) / PROFILE_STEPS;
    byKernel.set(kernel.name, entry);
  }
  const entries = [...byKernel.entries()];
  const kernelMs = entries.reduce((sum, [, entry]) => sum + entry.ms, 0);
  const kernelCalls = Math.round(entries.reduce((sum, [, entry]) => sum + entry.calls, 0));
  const kernels = entries
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, PROFILE_TOP)
    .map(([kernel, { calls, ms }]) => ({
      kernel,
      calls: Math.round(calls * 10) / 10,
      ms,
      share: kernelMs > 0 ? ms / kernelMs : 0,
    }));
  return { stepMs, kernelMs, kernelCalls, kernels };
}

/** PROFILE_STEPS steps of a native step, the batches made as train() makes them; per layer, per step. */
function profileNativeStep(step: NativeTrainingStep, batches: ImageDataset, batch: number): StepProfile {
  // This step object is new: its first call allocates its buffers.
  for (const { xs, ys } of batches.subset(batch).batches(batch)) {
    step.run(xs, ys);
    tf.dispose([xs, ys]);
  }
  step.times();
  const start = process.hrtime.bigint();
  for (const { xs, ys } of batches.batches(batch, { seed: SEED })) {
    step.run(xs, ys);
    tf.dispose([xs, ys]);
  }
  const stepMs = Number(process.hrtime.bigint() - start) / 1e6 / PROFILE_STEPS;
  const times = step.times();
  const parts = [
    ...times.layers.flatMap((layer) => [
      { kernel: `${layer.name} forward`, ms: layer.forwardMs },
      { kernel: `${layer.name} backward`, ms: layer.backwardMs },
    ]),
    { kernel: "optimiser update", ms: times.updateMs },
  ];
  const kernelMs = parts.reduce((sum, part) => sum + part.ms, 0);
  const kernels = parts
    .sort((a, b) => b.ms - a.ms)
    .slice(0, PROFILE_TOP)
    .map((part) => ({ ...part, calls: 1, share: kernelMs > 0 ? part.ms / kernelMs : 0 }));
  return { stepMs, kernelMs, kernelCalls: 1, kernels, nativeStep: true };
}

/** Inference images per second: model.predict at batch 256 over the first `images` test images, after a warm-up. */
async function inferenceSpeed(model: tf.LayersModel, test: ImageDataset, images: number): Promise<number> {
  const { xs, ys } = test.tensors(Int32Array.from({ length: Math.min(images, test.count) }, (_, i) => i));
  try {
    const warm = xs.slice(0, Math.min(256, xs.shape[0]));
    tf.dispose([model.predict(warm, { batchSize: 256 }) as tf.Tensor, warm]);
    const start = process.hrtime.bigint();
    const predictions = model.predict(xs, { batchSize: 256 }) as tf.Tensor;
    await predictions.data();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    predictions.dispose();
    return xs.shape[0] / seconds;
  } finally {
    tf.dispose([xs, ys]);
  }
}

async function measure(
  result: TrainingResult,
  engine: BenchEngine,
  mode: { profile: boolean; epoch: boolean },
): Promise<void> {
  Object.assign(result, await selectEngine(engine, result.requestedThreads));
  const model = buildModel(result.model);
  result.forwardFlops = forwardFlops(model);
  const data = mnistSplit();
  const stock = engine.endsWith("-stock");
  const trainer = stock ? stockTrainer : libraryTrainer;

  if (mode.epoch) {
    if (stock) throw new Error("--epoch measures the library's train(); use a library engine");
    // Exactly what a notebook runs: train(model, await mnist(), { epochs: 1 }), the test set as validation.
    const history = await train(model, data, {
      epochs: 1,
      batchSize: result.batch,
      quiet: true,
      seed: SEED,
      fast: false,
    });
    const epoch = history.last;
    if (epoch === undefined) throw new Error(`train() stopped early (${history.stopReason})`);
    result.steps = data.train.batchCount(result.batch);
    result.epochSeconds = epoch.seconds;
    result.trainImagesPerSecond = epoch.imagesPerSecond;
    result.finalLoss = epoch.loss;
    result.testAccuracy = epoch.validationAccuracy;
    return;
  }

  // Warm-up: the first step compiles kernels, grows the wasm heap, creates the optimiser's slots and fills tfjs's
  // caches; one train() call over one batch does all of that, so the timed call below sees steady state.
  await trainer(model, data.train.subset(result.batch), result.batch);
  if (mode.profile) {
    result.steps = PROFILE_STEPS;
    result.profile = await profileStep(model, data.train, result.batch, trainer);
    return;
  }
  // One train() call over steps × batch images: `steps` full batches, shuffled as train() always does. Timed
  // around the whole call, so what train() adds per call (checks, dashboard) counts, as it does for users.
  const images = Math.min(data.train.count, result.steps * result.batch);
  const start = process.hrtime.bigint();
  result.finalLoss = await trainer(model, data.train.subset(images), result.batch);
  result.trainImagesPerSecond = images / (Number(process.hrtime.bigint() - start) / 1e9);
  // The plain-JavaScript engines predict at a few hundred images a second: fewer images keep their rows short.
  result.inferenceImages = engine === "cpu" || engine === "cpu-stock" ? 256 : 2048;
  result.inferenceImagesPerSecond = await inferenceSpeed(model, data.test, result.inferenceImages);
}

async function main(): Promise<void> {
  const result: TrainingResult = {
    engine: "",
    backend: "",
    requestedThreads: 0,
    threads: 0,
    model: "lenet5",
    batch: 64,
    steps: 0,
    forwardFlops: 0,
    peakRssBytes: 0,
  };
  try {
    const engine = argument("engine");
    result.engine = engine;
    if (!(benchEngines as readonly string[]).includes(engine))
      throw new Error(`--engine must be one of ${benchEngines.join(", ")}, got ${engine}`);
    const model = argument("model", "lenet5");
    if (!(benchModels as readonly string[]).includes(model))
      throw new Error(`--model must be one of ${benchModels.join(", ")}, got ${model}`);
    result.model = model as BenchModel;
    result.batch = count("batch", "64", 1);
    result.steps = count("steps", "20", 1);
    result.requestedThreads = count("threads", "0", 0);
    await measure(result, engine as BenchEngine, {
      profile: process.argv.includes("--profile"),
      epoch: process.argv.includes("--epoch"),
    });
  } catch (error) {
    result.error = String(error instanceof Error ? error.message : error).split("\n")[0];
  }
  // maxRSS is in kilobytes.
  result.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  console.log(`BENCH ${JSON.stringify(result)}`);
}

// run.ts imports this file's types and engine list; only running it as a script measures.
if (require.main === module) void main();
