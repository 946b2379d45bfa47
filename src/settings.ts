/**
 * The three environment variables cnnlab reads, read in this one place so that a notebook, a test and a script
 * agree on them.
 */

/**
 * Engines cnnlab can choose, fastest first, and be forced to with `CNNLAB_BACKEND`. "native" is tfjs's wasm backend
 * with cnnlab's compiled kernels (oneDNN) for the heavy operations; the others are tfjs backends of that name.
 */
export type BackendName = "native" | "tensorflow" | "wasm" | "cpu";

export const backendNames: readonly BackendName[] = ["native", "tensorflow", "wasm", "cpu"];

/**
 * True when `CNNLAB_FAST=1`: lessons and training shrink their data and epochs so that a whole run fits CI's time.
 * Full mode (unset or `0`) is what the lessons' numbers are measured in.
 */
export const fastMode: boolean = ["1", "true", "yes"].includes((process.env.CNNLAB_FAST ?? "").toLowerCase());

/** The directory named by `CNNLAB_DATA`, where dataset loaders look first; undefined when unset. */
export const dataDirectory: string | undefined = process.env.CNNLAB_DATA || undefined;

/**
 * The engine asked for by `CNNLAB_BACKEND` (`native`; `tensorflow`, also spelled `node` or `tfjs-node`; `wasm`; `cpu`).
 * An unknown value is not fatal: the engine says it ignored it and picks the best backend itself.
 */
export function forcedBackend(): { name?: BackendName; problem?: string } {
  const raw = process.env.CNNLAB_BACKEND?.trim().toLowerCase();
  if (raw === undefined || raw === "") return {};
  if (raw === "node" || raw === "tfjs-node") return { name: "tensorflow" };
  if ((backendNames as readonly string[]).includes(raw)) return { name: raw as BackendName };
  return { problem: `CNNLAB_BACKEND=${raw} is not one of ${backendNames.join(", ")}, ignored` };
}

/** Whether a call runs in fast mode: its own `fast` option if given, else CNNLAB_FAST. */
export function isFast(option: boolean | undefined): boolean {
  return option ?? fastMode;
}
