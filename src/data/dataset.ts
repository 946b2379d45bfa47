import * as tf from "@tensorflow/tfjs";
import { SeededRandom } from "./random";
import { shiftImageInto } from "./augment";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";
import { ImageGrid } from "../display";

/**
 * How bytes become floats when a batch is made: `"unit"` maps 0..255 to 0..1, `"none"` keeps 0..255, and
 * `{ mean, std }` standardises after the unit scaling ((x/255 - mean) / std).
 */
export type Normalization = "unit" | "none" | { mean: number; std: number };

/** Options for {@link ImageDataset.batches}. */
export interface BatchOptions {
  /** Shuffle the order each time batches() is called (default true). */
  shuffle?: boolean;
  /** Seed for the shuffle and the augmentation; the same seed gives the same batches. */
  seed?: number;
  /** Random shift augmentation: each image moves by up to this many pixels in x and y (zero fill). Default 0. */
  maxShift?: number;
  /** Drop a last batch smaller than batchSize (default false). */
  dropRemainder?: boolean;
}

/** One batch of float tensors; the caller owns them and must dispose them (or work inside tf.tidy). */
export interface Batch {
  /** Images, [batch, height, width, channels], normalised as the dataset says. */
  xs: tf.Tensor4D;
  /** One-hot labels, [batch, classes]. */
  ys: tf.Tensor2D;
  /** The integer labels of the batch. */
  labels: Uint8Array;
  /** Which examples of the dataset the batch holds. */
  indices: Int32Array;
}

/**
 * A labelled image dataset that keeps its pixels as bytes on the JavaScript side and makes float tensors one batch
 * at a time: full MNIST as float32 would take 188 MB plus a copy in the backend, as bytes it takes 47 MB.
 *
 * Every method that changes the selection returns a new dataset sharing the same bytes, so `subset`, `split` and
 * `normalized` are cheap.
 */
export class ImageDataset {
  /** Number of examples. */
  readonly count: number;

  /**
   * @param images - pixels, [count, height, width, channels] row-major.
   * @param labels - one class index per image.
   * @param height - image height in pixels.
   * @param width - image width in pixels.
   * @param channels - 1 for greyscale.
   * @param classNames - a human name for each class index.
   * @param name - shown in displays and error messages, e.g. "MNIST train".
   * @param normalization - how bytes become floats in batches.
   * @param order - which rows of `images` this dataset uses (default all, in order).
   */
  constructor(
    readonly images: Uint8Array,
    readonly labels: Uint8Array,
    readonly height: number,
    readonly width: number,
    readonly channels: number,
    readonly classNames: readonly string[],
    readonly name = "dataset",
    readonly normalization: Normalization = "unit",
    private readonly order?: Int32Array,
  ) {
    const total = labels.length;
    if (images.length !== total * height * width * channels) {
      throw new Error(
        `${name}: ${images.length} pixel bytes do not make ${total} images of ` +
          `${height}x${width}x${channels}; check the image and label files belong together`,
      );
    }
    this.count = order ? order.length : total;
  }

  /** Number of classes. */
  get classes(): number {
    return this.classNames.length;
  }

  /** The [height, width, channels] of one image, as a model's inputShape wants it. */
  get shape(): [number, number, number] {
    return [this.height, this.width, this.channels];
  }

  /** Index into the underlying arrays of the i-th example. */
  rowOf(i: number): number {
    if (i < 0 || i >= this.count || !Number.isInteger(i)) {
      throw new RangeError(`${this.name}: example ${i} is out of range 0..${this.count - 1}`);
    }
    return this.order ? this.order[i] : i;
  }

  /** The label of the i-th example. */
  label(i: number): number {
    return this.labels[this.rowOf(i)];
  }

  /** All labels in dataset order. */
  labelArray(): Uint8Array {
    const out = new Uint8Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.labels[this.rowOf(i)];
    return out;
  }

  /** The bytes of the i-th image (a view, do not modify). */
  imageBytes(i: number): Uint8Array {
    const size = this.height * this.width * this.channels;
    const row = this.rowOf(i);
    return this.images.subarray(row * size, (row + 1) * size);
  }

  /** The i-th image as a normalised float tensor [height, width, channels]. */
  image(i: number): tf.Tensor3D {
    const { xs, ys } = this.makeBatch(Int32Array.of(i));
    const image = xs.reshape(this.shape) as tf.Tensor3D;
    tf.dispose([xs, ys]);
    return image;
  }

  /** A copy using another normalisation (same bytes). */
  normalized(normalization: Normalization): ImageDataset {
    return new ImageDataset(
      this.images,
      this.labels,
      this.height,
      this.width,
      this.channels,
      this.classNames,
      this.name,
      normalization,
      this.order,
    );
  }

  /** The mean and standard deviation of the pixels scaled to 0..1, for `normalized({ mean, std })`. */
  pixelStatistics(): { mean: number; std: number } {
    let sum = 0;
    let squares = 0;
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const bytes = this.imageBytes(i);
      for (let k = 0; k < bytes.length; k++) {
        const v = bytes[k] / 255;
        sum += v;
        squares += v * v;
      }
      n += bytes.length;
    }
    const mean = sum / n;
    return { mean, std: Math.sqrt(Math.max(squares / n - mean * mean, 1e-12)) };
  }

  /**
   * The first `n` examples, or a seeded random sample of `n` when `seed` is given. For fast runs: MNIST's files are
   * not sorted by class, so the first 6,000 are a fair sample.
   */
  subset(n: number, seed?: number): ImageDataset {
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`${this.name}: subset(n) needs a positive integer, got ${n}`);
    const size = Math.min(n, this.count);
    const picks = seed === undefined ? null : new SeededRandom(seed).permutation(this.count);
    const order = new Int32Array(size);
    for (let i = 0; i < size; i++) order[i] = this.rowOf(picks ? picks[i] : i);
    return this.withOrder(order, `${this.name} (${size})`);
  }

  /** The examples in a seeded random order. */
  shuffled(seed: number): ImageDataset {
    const permutation = new SeededRandom(seed).permutation(this.count);
    const order = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) order[i] = this.rowOf(permutation[i]);
    return this.withOrder(order, this.name);
  }

  /**
   * Splits off a validation set: `validation` is a fraction (0.1) or a count (5000). The split is random with the
   * given seed (default 0) so validation does not depend on file order.
   */
  split(validation: number, seed = 0): { train: ImageDataset; validation: ImageDataset } {
    const size = validation < 1 ? Math.round(validation * this.count) : Math.round(validation);
    if (size <= 0 || size >= this.count) {
      throw new RangeError(
        `${this.name}: split(${validation}) leaves no training or no validation examples ` +
          `(dataset has ${this.count}); give a fraction in (0, 1) or a count below ${this.count}`,
      );
    }
    const permutation = new SeededRandom(seed).permutation(this.count);
    const validationOrder = new Int32Array(size);
    const trainOrder = new Int32Array(this.count - size);
    for (let i = 0; i < this.count; i++) {
      const row = this.rowOf(permutation[i]);
      if (i < size) validationOrder[i] = row;
      else trainOrder[i - size] = row;
    }
    return {
      train: this.withOrder(trainOrder, `${this.name} train`),
      validation: this.withOrder(validationOrder, `${this.name} validation`),
    };
  }

  /** How many examples each class has. */
  classCounts(): number[] {
    const counts = new Array<number>(this.classes).fill(0);
    for (let i = 0; i < this.count; i++) counts[this.label(i)]++;
    return counts;
  }

  /** Number of batches one pass makes. */
  batchCount(batchSize: number, dropRemainder = false): number {
    return dropRemainder ? Math.floor(this.count / batchSize) : Math.ceil(this.count / batchSize);
  }

  /**
   * Yields batches of float tensors, made from the bytes one batch at a time. Dispose each batch's tensors when
   * done with them.
   */
  *batches(batchSize: number, options: BatchOptions = {}): Generator<Batch> {
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(`batches(batchSize): expected a positive integer, got ${batchSize}`);
    }
    const random = new SeededRandom(options.seed ?? Math.random() * 2 ** 31);
    const shuffle = options.shuffle ?? true;
    const order = shuffle ? random.permutation(this.count) : Int32Array.from({ length: this.count }, (_, i) => i);
    const batches = this.batchCount(batchSize, options.dropRemainder);
    for (let b = 0; b < batches; b++) {
      const indices = order.subarray(b * batchSize, Math.min((b + 1) * batchSize, this.count));
      yield this.makeBatch(indices, options.maxShift ?? 0, random);
    }
  }

  /**
   * The first `n` examples as float tensors, `{ xs, ys, labels, indices }`: the quick way to look at a few images or
   * push them through a model. The caller owns the tensors (dispose them, or work inside `tf.tidy`).
   *
   * @example
   * ```ts
   * const { xs, labels } = digits.train.take(16);   // xs: [16, 28, 28, 1]
   * ```
   */
  take(n: number): Batch {
    if (!Number.isInteger(n) || n <= 0)
      throw new RangeError(`${this.name}: take(n) needs a positive integer, got ${n}`);
    if (n > this.count) {
      throw new RangeError(
        `${this.name} has ${this.count} examples, fewer than take(${n}) asks for; take(${this.count}) takes them all`,
      );
    }
    return this.makeBatch(Int32Array.from({ length: n }, (_, i) => i));
  }

  /** Float tensors for the given examples (all by default); for evaluation of small sets. */
  tensors(indices?: Int32Array): Batch {
    return this.makeBatch(indices ?? Int32Array.from({ length: this.count }, (_, i) => i));
  }

  /** Builds the float tensors of a batch from bytes, applying the shift augmentation and the normalisation. */
  makeBatch(indices: Int32Array, maxShift = 0, random?: SeededRandom): Batch {
    const size = this.height * this.width * this.channels;
    const pixels = new Float32Array(indices.length * size);
    const labels = new Uint8Array(indices.length);
    const { scale, offset } = this.affine();
    const shifted = new Uint8Array(size);
    for (let i = 0; i < indices.length; i++) {
      let bytes = this.imageBytes(indices[i]);
      if (maxShift > 0) {
        const rng = random ?? new SeededRandom(indices[i]);
        shiftImageInto(
          shifted,
          bytes,
          this.height,
          this.width,
          this.channels,
          rng.integer(-maxShift, maxShift),
          rng.integer(-maxShift, maxShift),
        );
        bytes = shifted;
      }
      const base = i * size;
      for (let k = 0; k < size; k++) pixels[base + k] = bytes[k] * scale + offset;
      labels[i] = this.label(indices[i]);
    }
    const xs = tf.tensor4d(pixels, [indices.length, this.height, this.width, this.channels]);
    const ys = oneHot(labels, this.classes);
    return { xs, ys, labels, indices: Int32Array.from(indices) };
  }

  /** A short description; in a notebook, the dataset shows as this text. */
  toString(): string {
    const counts = this.classCounts();
    return (
      `${this.name}: ${this.count} images ${this.height}x${this.width}x${this.channels}, ` +
      `${this.classes} classes (${this.classNames.map((c, i) => `${c}: ${counts[i]}`).join(", ")})`
    );
  }

  /** The first `count` images as a labelled grid, drawn straight from the bytes (no tensors needed). */
  preview(count = 16): ImageGrid {
    const shown = Math.min(count, this.count);
    const tiles = Array.from({ length: shown }, (_, i) => ({
      raster: { height: this.height, width: this.width, channels: this.channels, values: this.imageBytes(i) },
      range: [0, 255] as const,
      label: this.classNames[this.label(i)],
    }));
    return new ImageGrid({
      tiles,
      columns: Math.min(8, Math.max(1, shown)),
      colormap: "grey",
      title: this.name,
      text: this.toString(),
      note: shown < this.count ? `first ${shown} of ${this.count}` : undefined,
    });
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    if (this.count === 0 || (this.channels !== 1 && this.channels !== 3)) return { "text/plain": this.toString() };
    return { ...this.preview()[JUPYTER_DISPLAY](), "text/plain": this.toString() };
  }

  private affine(): { scale: number; offset: number } {
    const n = this.normalization;
    if (n === "none") return { scale: 1, offset: 0 };
    if (n === "unit") return { scale: 1 / 255, offset: 0 };
    return { scale: 1 / (255 * n.std), offset: -n.mean / n.std };
  }

  private withOrder(order: Int32Array, name: string): ImageDataset {
    return new ImageDataset(
      this.images,
      this.labels,
      this.height,
      this.width,
      this.channels,
      this.classNames,
      name,
      this.normalization,
      order,
    );
  }
}

/** One-hot float32 labels [n, classes]. */
export function oneHot(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  const values = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label < 0 || label >= classes || !Number.isInteger(label)) {
      throw new RangeError(`oneHot: label ${label} at position ${i} is outside 0..${classes - 1}`);
    }
    values[i * classes + label] = 1;
  }
  return tf.tensor2d(values, [labels.length, classes]);
}

/** A training set and a test set that share class names. */
export interface DatasetSplit {
  train: ImageDataset;
  test: ImageDataset;
  classNames: readonly string[];
}
