/**
 * The three environment variables cnnlab reads, read in this one place so that a notebook, a test and a script
 * agree on them.
 */

/** Backends the engine can be forced to with `CNNLAB_BACKEND`. */
export type BackendName = "tensorflow" | "wasm" | "cpu";

const backendNames: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

/**
 * True when `CNNLAB_FAST=1`: lessons and training shrink their data and epochs so that a whole run fits CI's time.
 * Full mode (unset or `0`) is what the lessons' numbers are measured in.
 */
export const fastMode: boolean = ["1", "true", "yes"].includes((process.env.CNNLAB_FAST ?? "").toLowerCase());

/** The directory named by `CNNLAB_DATA`, where dataset loaders look first; undefined when unset. */
export const dataDirectory: string | undefined = process.env.CNNLAB_DATA || undefined;

/**
 * The backend forced by `CNNLAB_BACKEND`, or undefined when unset.
 * @throws Error naming the allowed values when the variable holds anything else.
 */
export function forcedBackend(): BackendName | undefined {
  const value = process.env.CNNLAB_BACKEND;
  if (value === undefined || value === "") return undefined;
  if ((backendNames as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`CNNLAB_BACKEND=${value} is not a backend cnnlab knows; use one of ${backendNames.join(", ")} or unset it`);
}
