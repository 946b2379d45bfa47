import * as os from "os";
import * as tf from "@tensorflow/tfjs-core";
import { registerEngineKernels } from "./kernels/register";
import { installMemoryCap } from "./memoryCap";
import { loadNativeEngine, type NativeBinding } from "./native/binding";
import { silenceNodeBanner } from "./silenceNodeBanner";
import { prepareWasmThreads } from "./threads";
import { backendNames, forcedBackend, type BackendName } from "../settings";

export type { BackendName };

/** What `useBestBackend()` chose, and why. */
export interface BackendInfo {
  /** The engine: "native" (tfjs's wasm backend plus cnnlab's compiled kernels), or the tfjs backend of that name. */
  readonly name: BackendName;
  /** The tfjs backend it runs on, as `tf.getBackend()` names it ("wasm" for the native engine). */
  readonly tfjsBackend: string;
  /** Whether the wasm backend runs its SIMD build (always false for other backends). */
  readonly simd: boolean;
  /** Threads the heavy kernels compute with (native: its thread pool; wasm: 1 unless wasm threads are on; tfjs-node manages its own: 0). */
  readonly threads: number;
  /** Why this backend and not a faster one, in words. */
  readonly reason: string;
  /** The kernels cnnlab registered for this backend (names as tfjs spells them, e.g. "Conv2DBackpropFilter"). */
  readonly kernels: readonly string[];
  /** The one line printed when the backend was chosen. */
  readonly line: string;
}

/** Options for {@link useBestBackend}. */
export interface UseBestBackendOptions {
  /**
   * Use this backend instead of the fastest one that loads. Overrides the CNNLAB_BACKEND environment variable.
   * If it cannot load, useBestBackend rejects with the reason.
   */
  backend?: BackendName;
  /** Do not print the line saying which backend is active. */
  quiet?: boolean;
  /**
   * Threads. Native engine: its kernels' thread pool (default: every core; can be changed by a later call).
   * Wasm engine: wasm threads (default: half the CPU cores, at most 8, so 1 on a 2-core machine; 1 keeps the
   * single-threaded build; only the first wasm initialisation in a process uses it).
   */
  threads?: number;
}

let active: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

/**
 * Chooses the fastest tfjs backend that works here, registers cnnlab's training kernels for it, and prints one
 * line saying which backend and why (for example `cnnlab engine: native (oneDNN 2.6.3 + OpenMP kernels on wasm, 2 threads)`,
 * or `cnnlab engine: wasm (SIMD, 1 thread) — native engine not built: oneDNN not found (fix: …); tfjs-node not installed`).
 *
 * Order: `native` (tfjs's wasm backend with cnnlab's kernels compiled at set-up: oneDNN convolutions and matrix
 * products, fused batch norm, on every core) if it was built here, else `tensorflow` (tfjs-node) if it loads, else
 * `wasm` (XNNPACK, with SIMD and threads when available) plus cnnlab's gradient kernels, else `cpu` plus cnnlab's
 * typed-array kernels. The environment
 * variable CNNLAB_BACKEND and `options.backend` force a choice (the argument wins).
 *
 * Memoised: every cnnlab entry point that computes awaits it, and only the first call does any work or prints.
 * A later call that names a different backend switches to it. Importing cnnlab does not call it, so plain tfjs
 * code keeps whatever backend tfjs picked itself.
 *
 * @example
 * ```ts
 * import { useBestBackend } from "cnnlab";
 * const info = await useBestBackend();   // prints: cnnlab engine: native (oneDNN 2.6.3 + OpenMP kernels on wasm, 2 threads)
 * ```
 */
export function useBestBackend(options: UseBestBackendOptions = {}): Promise<BackendInfo> {
  const wanted = options.backend;
  if (wanted !== undefined && !backendNames.includes(wanted)) {
    return Promise.reject(
      new Error(`useBestBackend: unknown backend "${String(wanted)}"; use one of ${backendNames.join(", ")}`),
    );
  }
  if (pending !== undefined && (wanted === undefined || wanted === active?.name)) {
    if (options.threads !== undefined && active?.name === "native")
      return pending.then((info) => withNativeThreads(info, options.threads!, options.quiet === true));
    return pending;
  }
  const previous = pending ?? Promise.resolve(undefined);
  // Chain after any selection in flight so two concurrent calls never initialise backends at the same time.
  pending = previous.catch(() => undefined).then(() => selectBackend(wanted, options.quiet === true, options.threads));
  pending.catch(() => {
    pending = undefined;
  });
  return pending;
}

/**
 * What {@link useBestBackend} chose, or `undefined` if it has not run yet in this process (tfjs may still have a
 * backend of its own choosing: `tf.getBackend()`).
 */
export function backendInfo(): BackendInfo | undefined {
  return active;
}

/** The compiled engine's functions while the native engine is the active one (tfjs on its wasm backend). */
export function activeNativeBinding(): NativeBinding | undefined {
  return active?.name === "native" && tf.getBackend() === "wasm" ? nativeBinding : undefined;
}

async function selectBackend(
  argument: BackendName | undefined,
  quiet: boolean,
  threads: number | undefined,
): Promise<BackendInfo> {
  // First, so that an unreadable CNNLAB_MAX_MEMORY stops the engine with its own error before any tensor exists.
  const memoryCap = installMemoryCap();
  const fromEnvironment = forcedBackend();
  const forced = argument ?? fromEnvironment.name;
  const notes: string[] = [];
  if (fromEnvironment.problem !== undefined) notes.push(fromEnvironment.problem);

  let chosen: Omit<BackendInfo, "line" | "kernels" | "tfjsBackend"> | undefined;
  const candidates: BackendName[] = forced !== undefined ? [forced] : [...backendNames];
  const failures: string[] = [];
  for (const name of candidates) {
    const attempt = await tryBackend(name, threads);
    if (attempt.ok) {
      chosen = attempt.info;
      break;
    }
    failures.push(attempt.why);
  }
  if (chosen === undefined) {
    if (argument !== undefined) throw new Error(`useBestBackend: backend "${argument}" did not load: ${failures[0]}`);
    // CNNLAB_BACKEND named a backend that does not load here: say so and pick the best one that does.
    notes.push(`CNNLAB_BACKEND=${forced} did not load (${failures[0]})`);
    failures.length = 0;
    for (const name of backendNames) {
      const attempt = await tryBackend(name, threads);
      if (attempt.ok) {
        chosen = attempt.info;
        break;
      }
      failures.push(attempt.why);
    }
    if (chosen === undefined) throw new Error(`useBestBackend: no tfjs backend loads here: ${failures.join("; ")}`);
  }

  const kernels = registerEngineKernels(chosen.name, chosen.name === "native" ? nativeBinding : undefined);
  if (chosen.name === "cpu") silenceNodeBanner();

  let reason: string;
  if (forced !== undefined && chosen.name === forced) {
    reason =
      argument !== undefined ? `asked for by useBestBackend({ backend: "${forced}" })` : `CNNLAB_BACKEND=${forced}`;
  } else {
    reason = failures.join("; ");
  }
  reason = [...notes, reason].filter((part) => part.length > 0).join("; ");
  const capNote = memoryCap === undefined ? "" : `; tensor memory capped at CNNLAB_MAX_MEMORY=${memoryCap.text}`;
  const line = `cnnlab engine: ${describe(chosen)}${reason.length > 0 ? ` — ${reason}` : ""}${capNote}`;
  active = { ...chosen, tfjsBackend: tf.getBackend(), reason, kernels, line };
  if (!quiet) console.log(line);
  return active;
}

function describe(info: Omit<BackendInfo, "line" | "kernels" | "tfjsBackend">): string {
  if (info.name === "native") {
    return `native (oneDNN ${nativeBinding?.onednnVersion() ?? "?"} + OpenMP kernels on wasm, ${info.threads} thread${info.threads === 1 ? "" : "s"})`;
  }
  if (info.name === "tensorflow") return "tensorflow (tfjs-node, native TensorFlow)";
  if (info.name === "cpu") return "cpu (plain JavaScript, cnnlab kernels)";
  const features = [info.simd ? "SIMD" : "no SIMD", `${info.threads} thread${info.threads === 1 ? "" : "s"}`];
  return `wasm (${features.join(", ")})`;
}

type Attempt = { ok: true; info: Omit<BackendInfo, "line" | "kernels" | "tfjsBackend"> } | { ok: false; why: string };

async function tryBackend(name: BackendName, threads: number | undefined): Promise<Attempt> {
  if (name === "native") return tryNative(threads);
  if (name === "tensorflow") return tryTensorflow();
  if (name === "wasm") return tryWasm(threads);
  return tryCpu();
}

let nativeBinding: NativeBinding | undefined;

function coreCount(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

async function tryNative(threads: number | undefined): Promise<Attempt> {
  const load = loadNativeEngine();
  if (!load.ok) return { ok: false, why: load.why };
  // The heavy kernels run natively on every core; the remaining wasm kernels stay single-threaded (wasm threads
  // would compete with the native pool for the same cores).
  const wasm = await tryWasm(1);
  if (!wasm.ok) return wasm;
  nativeBinding = load.binding;
  const count = nativeBinding.setThreads(threads ?? coreCount());
  return { ok: true, info: { name: "native", simd: wasm.info.simd, threads: count, reason: "" } };
}

/** A later useBestBackend({ threads }) while the native engine is active resizes its thread pool. */
function withNativeThreads(info: BackendInfo, threads: number, quiet: boolean): BackendInfo {
  if (nativeBinding === undefined || threads === info.threads) return info;
  const count = nativeBinding.setThreads(threads);
  const line = info.line.replace(/\d+ threads?\)/, `${count} thread${count === 1 ? "" : "s"})`);
  active = { ...info, threads: count, line };
  if (!quiet) console.log(line);
  return active;
}

async function tryTensorflow(): Promise<Attempt> {
  try {
    // Loaded only here: requiring tfjs-node registers and selects its backend as a side effect. TensorFlow's C++
    // logging would print CPU-feature notices into the first cell's output; keep its warnings and errors.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= "1";
    require("@tensorflow/tfjs-node");
  } catch (error) {
    return {
      ok: false,
      why: isModuleMissing(error, "@tensorflow/tfjs-node")
        ? "tfjs-node not installed"
        : `tfjs-node failed to load (${firstLine(error)})`,
    };
  }
  if (!(await setBackendQuietly("tensorflow")))
    return { ok: false, why: "tfjs-node loaded but its backend did not start" };
  return { ok: true, info: { name: "tensorflow", simd: false, threads: 0, reason: "" } };
}

async function tryWasm(threads: number | undefined): Promise<Attempt> {
  let wasm: typeof import("@tensorflow/tfjs-backend-wasm");
  try {
    // Loaded only here: requiring it registers a 'wasm' backend with a higher priority than cpu, which would make
    // tfjs pick it (uninitialised) for the user's next tensor.
    wasm = require("@tensorflow/tfjs-backend-wasm");
  } catch (error) {
    return { ok: false, why: `tfjs-backend-wasm failed to load (${firstLine(error)})` };
  }
  const threading = prepareWasmThreads(wasm, threads);
  let started: boolean;
  try {
    started = await setBackendQuietly("wasm");
  } finally {
    threading.finish();
  }
  if (!started && threading.requested > 1) {
    // The threaded build did not come up: fall back to the single-threaded SIMD build.
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    wasm.setThreadsCount(1);
    started = await setBackendQuietly("wasm");
  }
  if (!started) return { ok: false, why: "the wasm backend did not start" };
  const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) === true;
  return { ok: true, info: { name: "wasm", simd, threads: Math.max(1, wasm.getThreadsCount()), reason: "" } };
}

async function tryCpu(): Promise<Attempt> {
  try {
    require("@tensorflow/tfjs-backend-cpu");
  } catch (error) {
    return { ok: false, why: `tfjs-backend-cpu failed to load (${firstLine(error)})` };
  }
  if (!(await setBackendQuietly("cpu"))) return { ok: false, why: "the cpu backend did not start" };
  return { ok: true, info: { name: "cpu", simd: false, threads: 1, reason: "" } };
}

/** tf.setBackend logs and returns false when a backend's initialisation fails; we report the failure ourselves. */
async function setBackendQuietly(name: string): Promise<boolean> {
  if (tf.findBackendFactory(name) === null) return false;
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  } finally {
    console.warn = warn;
  }
}

function isModuleMissing(error: unknown, moduleName: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "MODULE_NOT_FOUND" && String((error as Error).message).includes(moduleName);
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0];
}
