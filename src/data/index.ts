/**
 * Data: real datasets read from local IDX files, batching with bytes kept on the JavaScript side, seeded shuffles,
 * splits and augmentation, and synthetic shapes for the convolution lessons.
 * @packageDocumentation
 */
export { parseIdx, readIdx, encodeIdx, IdxArray } from "./idx";
export { ImageDataset, DatasetSplit, Batch, BatchOptions, Normalization, oneHot } from "./dataset";
export {
  mnist, fashionMnist, loadSplit, LoadOptions, MNIST_CLASSES, FASHION_MNIST_CLASSES, FASHION_MNIST_URL,
  FASHION_MNIST_SHA256, DEBIAN_FASHION_MNIST_DIR,
} from "./mnist";
export { downloadVerified, payloadSha256 } from "./download";
export { shiftImage } from "./augment";
export { SeededRandom } from "./random";
export { syntheticImage, syntheticShapes, drawShape, ShapeKind, SHAPE_KINDS, SyntheticShapesOptions } from "./synthetic";
