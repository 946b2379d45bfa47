/**
 * The one place that decides how a value is shown: the mimebundle of a cell's last value, of `display(x)` and of
 * `display(x, { id })` updates.
 *
 * Order: an object's `[Symbol.for("Jupyter.display")]()` method (Deno-compatible; may return a Promise), then PNG/JPEG
 * bytes (Uint8Array/Buffer recognised by magic number), then text/plain via util.inspect with depth/length limits.
 */
import { inspect } from "util";
import { JUPYTER_DISPLAY, type FormattedOutput } from "../src/contract";

/** util.inspect options for text/plain: deep enough to be useful, bounded so a huge tensor/array cannot flood. */
export const INSPECT_OPTIONS = {
  depth: 4,
  maxArrayLength: 100,
  maxStringLength: 10_000,
  breakLength: 100,
  colors: false,
} as const;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((b, i) => bytes[i] === b);
}

/** The image mimetype of `bytes` by magic number, or undefined. */
export function imageMimeType(bytes: Uint8Array): "image/png" | "image/jpeg" | undefined {
  if (startsWith(bytes, PNG_MAGIC)) return "image/png";
  if (startsWith(bytes, JPEG_MAGIC)) return "image/jpeg";
  return undefined;
}

function isPromiseLike(x: unknown): x is PromiseLike<unknown> {
  return x != null && (typeof x === "object" || typeof x === "function") && typeof (x as any).then === "function";
}

/** Bytes in a mimebundle travel as base64 strings; other values as they are (JSON for application/json etc.). */
function normaliseBundleValue(value: unknown): unknown {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  return value;
}

function fromDisplayResult(result: unknown): FormattedOutput {
  if (result == null || typeof result !== "object") {
    return { data: { "text/plain": inspect(result, INSPECT_OPTIONS) }, metadata: {} };
  }
  const data: Record<string, unknown> = {};
  for (const [mime, v] of Object.entries(result as Record<string, unknown>)) data[mime] = normaliseBundleValue(v);
  return { data, metadata: {} };
}

/** text/plain for any value. */
export function textPlain(value: unknown): string {
  return inspect(value, INSPECT_OPTIONS);
}

/**
 * The mimebundle for `value`. Synchronous unless the value's Jupyter.display method returns a Promise, so that a
 * `display(x)` keeps its place among other outputs.
 */
export function format(value: unknown): FormattedOutput | Promise<FormattedOutput> {
  if (value != null && (typeof value === "object" || typeof value === "function")) {
    const method = (value as any)[JUPYTER_DISPLAY];
    if (typeof method === "function") {
      const result = method.call(value);
      return isPromiseLike(result) ? Promise.resolve(result).then(fromDisplayResult) : fromDisplayResult(result);
    }
    if (value instanceof Uint8Array) {
      const mime = imageMimeType(value);
      if (mime) {
        return {
          data: { [mime]: normaliseBundleValue(value), "text/plain": `<${mime} ${value.byteLength} bytes>` },
          metadata: {},
        };
      }
    }
  }
  return { data: { "text/plain": textPlain(value) }, metadata: {} };
}
