import * as fs from "fs";
import * as path from "path";

/**
 * The compiled native engine (src/engine/native/*.cc, built by set-up into build/engine/cnnlab_engine.node). Each
 * kernel takes the wasm heap and a Float64Array of byte offsets and sizes; see addon.cc for the order.
 */
export interface NativeBinding {
  setThreads(count: number): number;
  threads(): number;
  /** The oneDNN implementation that ran the last primitive of a kind ("conv2d", "matMul", ...), e.g. "brgconv:avx512_core". */
  implementation(kind: string): string;
  onednnVersion(): string;
  conv2d(heap: ArrayBuffer, args: Float64Array): void;
  conv2dBackpropInput(heap: ArrayBuffer, args: Float64Array): void;
  conv2dBackpropFilter(heap: ArrayBuffer, args: Float64Array): void;
  matMul(heap: ArrayBuffer, args: Float64Array): void;
  maxPool(heap: ArrayBuffer, args: Float64Array): void;
  maxPoolGradient(heap: ArrayBuffer, args: Float64Array): void;
  batchNormTraining(heap: ArrayBuffer, args: Float64Array): void;
  batchNormTrainingGradient(heap: ArrayBuffer, args: Float64Array): void;
  batchNormInference(heap: ArrayBuffer, args: Float64Array): void;
  adamUpdate(heap: ArrayBuffer, args: Float64Array): void;
  add(heap: ArrayBuffer, args: Float64Array): void;
  biasAdd(heap: ArrayBuffer, args: Float64Array): void;
  columnSums(heap: ArrayBuffer, args: Float64Array): void;
  relu(heap: ArrayBuffer, args: Float64Array): void;
  reluGradient(heap: ArrayBuffer, args: Float64Array): void;
  /** A network's whole training step (src/engine/trainingStep/plan.ts writes `spec`; training_step.h). */
  createTrainingStep(spec: Float64Array): TrainingStepHandle;
  /** One step on a batch; `result` receives the batch's mean loss and accuracy (addon.cc lists `args`). */
  runTrainingStep(step: TrainingStepHandle, heap: ArrayBuffer, args: Float64Array, result: Float64Array): void;
  /** Thread 0's milliseconds per layer forward, per layer backward, in the update, then the step count; resets. */
  trainingStepProfile(step: TrainingStepHandle): Float64Array;
}

/** An opaque native training step; freed when garbage collected. */
export type TrainingStepHandle = { readonly __nativeTrainingStep: unique symbol };

/** Every function the library calls; a build from older sources lacks some. */
const nativeFunctions: ReadonlyArray<keyof NativeBinding> = [
  "setThreads",
  "threads",
  "implementation",
  "onednnVersion",
  "conv2d",
  "conv2dBackpropInput",
  "conv2dBackpropFilter",
  "matMul",
  "maxPool",
  "maxPoolGradient",
  "batchNormTraining",
  "batchNormTrainingGradient",
  "batchNormInference",
  "adamUpdate",
  "add",
  "biasAdd",
  "columnSums",
  "relu",
  "reluGradient",
  "createTrainingStep",
  "runTrainingStep",
  "trainingStepProfile",
];

export type NativeLoad = { ok: true; binding: NativeBinding } | { ok: false; why: string };

let loaded: NativeLoad | undefined;

/** The repository (or installed package) root: the nearest folder above this file with cnnlab's package.json. */
function packageRoot(): string {
  let directory = __dirname;
  for (;;) {
    const manifest = path.join(directory, "package.json");
    if (
      fs.existsSync(manifest) &&
      (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === "cnnlab"
    )
      return directory;
    const parent = path.dirname(directory);
    if (parent === directory) return path.resolve(__dirname, "../../../..");
    directory = parent;
  }
}

/** Loads the native engine once; when it is missing says why in words (set-up's own reason when it recorded one). */
export function loadNativeEngine(): NativeLoad {
  if (loaded !== undefined) return loaded;
  const folder = path.join(packageRoot(), "build", "engine");
  const addon = path.join(folder, "cnnlab_engine.node");
  if (!fs.existsSync(addon)) {
    let why = "native engine not built (run `npm run lab` or `node scripts/setup.mjs` to build it)";
    try {
      const status = JSON.parse(fs.readFileSync(path.join(folder, "status.json"), "utf8")) as {
        built?: boolean;
        why?: string;
        fix?: string;
      };
      if (status.built === false && status.why !== undefined)
        why = `native engine not built: ${status.why} (fix: ${status.fix})`;
    } catch {
      // No status file: set-up has not run since the engine was added.
    }
    loaded = { ok: false, why };
    return loaded;
  }
  try {
    const binding = require(addon) as NativeBinding;
    const missing = nativeFunctions.filter((name) => typeof binding[name] !== "function");
    loaded =
      missing.length === 0
        ? { ok: true, binding }
        : {
            ok: false,
            why: `the native engine in build/engine is older than the library (no ${missing.join(", ")}); run \`node scripts/setup.mjs\` to rebuild it`,
          };
  } catch (error) {
    const message = String(error instanceof Error ? error.message : error).split("\n")[0];
    const hint = /libdnnl/.test(message)
      ? " (oneDNN's shared library is missing: sudo apt-get install libdnnl-dev, or rerun set-up)"
      : " (rerun `node scripts/setup.mjs` to rebuild it)";
    loaded = { ok: false, why: `native engine failed to load: ${message}${hint}` };
  }
  return loaded;
}
