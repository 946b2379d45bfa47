import * as fs from "fs";
import { writeFileAtomically } from "../files";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";

/** How {@link prepareWasmThreads} left things: call `finish` once `tf.setBackend("wasm")` has settled. */
export interface WasmThreadsPreparation {
  /** Threads asked for (1 means the shim was not installed). */
  readonly requested: number;
  /** Why threads are off, when they are. */
  readonly reason?: string;
  /** Takes the temporary hooks out again. */
  finish(): void;
}

/**
 * Lets the wasm backend run XNNPACK on several threads under Node. Must be called before `tf.setBackend("wasm")`,
 * and `finish()` after it.
 *
 * Why a shim: tfjs-backend-wasm 4.22 hard-codes WASM_HAS_MULTITHREAD_SUPPORT to false under Node (tfjs issue
 * 3830), and forcing the flag fails because Emscripten's pthread workers are started from `blob:` URLs that Node's
 * worker_threads cannot load (ERR_WORKER_PATH). So, only while the backend initialises: (1) the flag is set true,
 * (2) the strings tfjs puts into Blobs (the worker script, and the threaded module's factory) are recorded, and
 * (3) `URL.createObjectURL` for the worker script writes both to files in a private temporary folder and returns
 * the worker's path. The worker script is edited to load the factory from its file instead of from a Blob URL.
 * The backend's C++ side also caps its pool at half the cores Node reports, so `os.cpus()` counts every core twice
 * for that moment. If anything is not as expected, threads stay off and the single-threaded SIMD build is used as before.
 */
export function prepareWasmThreads(
  wasm: typeof import("@tensorflow/tfjs-backend-wasm"),
  threads?: number,
): WasmThreadsPreparation {
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  const off = (reason: string): WasmThreadsPreparation => ({ requested: 1, reason, finish: () => undefined });
  if (threads !== undefined && threads <= 1) return off("one thread asked for");
  if (cores < 2) return off("one CPU core");
  if (typeof SharedArrayBuffer === "undefined") return off("no SharedArrayBuffer");
  if (typeof Blob === "undefined" || typeof URL.createObjectURL !== "function") return off("no Blob in this Node");

  // Default: half the logical cores, tfjs's own choice for browsers (hyper-threads share a core's SIMD units). On
  // a busy 2-core machine 2 threads trained LeNet-5 at 0.5–0.8× the speed of 1 (threads wait for each other), so
  // there the default stays 1 and `threads: 2` is opt-in. The Emscripten build starts a pool of 8 workers: more
  // threads than that would start workers on demand, so 8 is the ceiling.
  const requested = Math.min(threads ?? Math.floor(cores / 2), 8);
  if (requested <= 1) return off("half the CPU cores is one thread");
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "cnnlab-wasm-threads-"));
  const texts = new WeakMap<object, string>();
  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL;
  let factoryPath: string | undefined;

  // A function used with `new` that returns a real Blob: the Blob tfjs posts to each worker must stay cloneable.
  function RecordingBlob(parts: unknown[], options?: BlobPropertyBag): Blob {
    const blob = new OriginalBlob(parts as BlobPart[], options);
    if (Array.isArray(parts) && parts.every((part) => typeof part === "string")) {
      const text = parts.join("");
      texts.set(blob, text);
      if (text.startsWith("var WasmBackendModuleThreadedSimd")) {
        factoryPath = path.join(folder, "tfjs-backend-wasm-threaded-simd.js");
        // The factory's source was cut out of tfjs's rollup bundle, where Node's modules have generated names.
        const bundledModules =
          'var require$$0 = require("fs"), require$$1 = require("path"), require$$3 = require("perf_hooks"), require$$4 = require("os"), commonjsGlobal = globalThis;\n';
        writeFileAtomically(factoryPath, bundledModules + text);
      }
    }
    return blob;
  }
  const workerImport =
    /if\(typeof e\.data\.urlOrBlob=="string"\)\{importScripts\(e\.data\.urlOrBlob\)\}else\{var objectUrl=URL\.createObjectURL\(e\.data\.urlOrBlob\);importScripts\(objectUrl\);URL\.revokeObjectURL\(objectUrl\)\}/;
  const createObjectURL = (object: Blob): string => {
    const text = texts.get(object);
    if (text === undefined || factoryPath === undefined || !workerImport.test(text))
      return originalCreateObjectURL(object);
    const workerPath = path.join(folder, "tfjs-backend-wasm-threaded-simd.worker.js");
    if (!fs.existsSync(workerPath))
      writeFileAtomically(workerPath, text.replace(workerImport, `importScripts(${JSON.stringify(factoryPath)});`));
    return workerPath;
  };

  // The backend's C++ init caps XNNPACK's pool at half the logical cores it is told about (hyper-threads in a
  // browser); Node reports real cores, so report each twice while the backend initialises.
  // The module object itself (an `import *` namespace is read-only), the one the backend's bundle holds too.
  const osModule = require("os") as { cpus: typeof os.cpus };
  const originalCpus = osModule.cpus;
  osModule.cpus = () => {
    const list = originalCpus();
    return [...list, ...list];
  };
  globalThis.Blob = RecordingBlob as unknown as typeof Blob;
  URL.createObjectURL = createObjectURL;
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  wasm.setThreadsCount(requested);
  return {
    requested,
    finish: () => {
      if (factoryPath === undefined) tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      globalThis.Blob = OriginalBlob;
      osModule.cpus = originalCpus;
      // Emscripten's pthread workers are ref'd Node workers: they would keep a finished script running forever.
      // The registry, not tf.findBackend: that would start initialising the backend again if it failed.
      const registry = tf.engine().registry as Record<string, unknown>;
      const backend = registry["wasm"] as
        { wasm?: { PThread?: { unusedWorkers: Worker[]; runningWorkers: Worker[] } } } | undefined;
      const pool = backend?.wasm?.PThread;
      if (pool !== undefined)
        for (const worker of [...pool.unusedWorkers, ...pool.runningWorkers])
          (worker as unknown as { unref(): void }).unref();
      // Emscripten's runtime starts only after every worker of its pool of 8 has loaded both files, and we ask for
      // at most 8 threads, so no worker reads them again.
      fs.rmSync(folder, { recursive: true, force: true });
      URL.createObjectURL = originalCreateObjectURL;
    },
  };
}
