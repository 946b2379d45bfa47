import { DatasetSplit, ImageDataset } from "../data";

/** The images train() steps through and the ones it validates on after each epoch, with the name it shows. */
export interface TrainingSets {
  trainSet: ImageDataset;
  validationSet: ImageDataset | undefined;
  /** "validation", or "test" when the split's test set is used (so the dashboard does not call it validation). */
  validationName: string;
}

/**
 * Splits what train() was given: a dataset to validate on, a fraction or a count held out of the training images
 * (seeded), none (`false`), or by default the test set of a `{ train, test }` split.
 */
export function trainingSets(
  data: ImageDataset | DatasetSplit,
  validation: ImageDataset | number | false | undefined,
  seed: number,
): TrainingSets {
  const trainSet = data instanceof ImageDataset ? data : data.train;
  if (!(trainSet instanceof ImageDataset)) {
    throw new Error(
      "train(model, data): data must be an ImageDataset or { train, test } from mnist() / fashionMnist()",
    );
  }
  if (validation instanceof ImageDataset) return { trainSet, validationSet: validation, validationName: "validation" };
  if (typeof validation === "number") {
    const parts = trainSet.split(validation, seed);
    return { trainSet: parts.train, validationSet: parts.validation, validationName: "validation" };
  }
  if (validation === undefined && !(data instanceof ImageDataset) && data.test instanceof ImageDataset) {
    return { trainSet, validationSet: data.test, validationName: "test" };
  }
  return { trainSet, validationSet: undefined, validationName: "validation" };
}
