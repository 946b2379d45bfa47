/**
 * Data: real datasets read from local IDX files, batching with bytes kept on the JavaScript side, seeded shuffles,
 * splits and augmentation, and synthetic shapes for the convolution lessons.
 * @packageDocumentation
 */
export { parseIdx, readIdx, encodeIdx } from "./idx";
export type { IdxArray } from "./idx";
export { ImageDataset, oneHot } from "./dataset";
export type { DatasetSplit, Batch, BatchOptions, Normalization } from "./dataset";
export {
  mnist,
  fashionMnist,
  loadSplit,
  MNIST_CLASSES,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_URL,
  FASHION_MNIST_SHA256,
  DEBIAN_FASHION_MNIST_DIR,
} from "./mnist";
export type { LoadOptions } from "./mnist";
export { downloadVerified, payloadSha256 } from "./download";
export { shiftImage } from "./augment";
export { SeededRandom } from "./random";
export { syntheticImage, syntheticShapes, drawShape, SHAPE_KINDS } from "./synthetic";
export type { ShapeKind, SyntheticShapesOptions } from "./synthetic";
