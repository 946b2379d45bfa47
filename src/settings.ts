/**
 * The four environment variables cnnlab reads, read in this one place so that a notebook, a test and a script
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

/** A memory cap as `CNNLAB_MAX_MEMORY` gave it: the bytes and the text it was written as (for messages). */
export interface MemoryCapSetting {
  readonly bytes: number;
  readonly text: string;
}

// JupyterHub's ByteSpecification (the `mem_limit` a hub sets per user) reads K, M, G and T as powers of 1024; the
// same text means the same number here, and so do the spellings with B or iB (2G = 2GB = 2GiB = 2^31 bytes).
const unitExponents: Readonly<Record<string, number>> = { "": 0, k: 1, m: 2, g: 3, t: 4 };

/**
 * The kernel's tensor-memory cap from `CNNLAB_MAX_MEMORY`: bytes (`1073741824`) or a number with a unit, K, M, G or
 * T, optionally followed by B or iB (`2G`, `1.5GiB`, `512M`, `800MB`); every unit is 1024-based, as in JupyterHub.
 * Undefined when unset (no cap). Throws on a value it cannot read, naming the variable, the value and an example.
 */
export function memoryCapSetting(): MemoryCapSetting | undefined {
  const raw = process.env.CNNLAB_MAX_MEMORY?.trim();
  if (raw === undefined || raw === "") return undefined;
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:([kmgt])(?:i?b)?|b)?$/i.exec(raw);
  const bytes =
    match === null ? NaN : Math.floor(Number(match[1]) * 1024 ** unitExponents[(match[2] ?? "").toLowerCase()]);
  if (!(bytes >= 1)) {
    throw new Error(
      `CNNLAB_MAX_MEMORY=${raw} is not a memory size; write bytes or a number with K, M, G or T ` +
        `(1024-based, as JupyterHub's mem_limit), for example CNNLAB_MAX_MEMORY=2G, or unset it for no cap`,
    );
  }
  return { bytes, text: raw };
}
