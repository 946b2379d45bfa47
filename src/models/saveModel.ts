import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import * as tf from "@tensorflow/tfjs";
import { writeFileAtomically } from "../files";

const MODEL_FILE = "model.json";
const WEIGHTS_FILE = /^weights-[0-9a-f]{16}\.bin$/;
const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** Options of {@link saveModel}. */
export interface SaveModelOptions {
  /** Replace what the directory holds (by default a directory that is not empty is left alone, with an error). */
  overwrite?: boolean;
}

/** Where a model was saved: the directory, its files and their size. Shows itself as one line. */
export interface SavedModel {
  directory: string;
  files: string[];
  bytes: number;
}

/**
 * Saves a model — its layers, weights, loss and optimiser with the optimiser's state — to a directory in
 * TensorFlow.js's layers format: `model.json` and one weights file, which `loadModel(directory)` here, or
 * `tf.loadLayersModel` in a browser, reads back. cnnlab's own layers (the C3 connection table, group and instance
 * normalisation) are included. A directory that already holds files is left alone unless `{ overwrite: true }`.
 *
 * The weights are written first under a name from their content, then `model.json` pointing at them, each
 * atomically: a kernel stopped mid-save leaves the previous model loadable.
 *
 * @example
 * ```ts
 * await saveModel(model, "models/lenet5");
 * const again = await loadModel("models/lenet5");
 * ```
 */
export async function saveModel(
  model: tf.LayersModel,
  directory: string,
  options: SaveModelOptions = {},
): Promise<SavedModel> {
  if (!(model instanceof tf.LayersModel)) {
    throw new TypeError("saveModel(model, directory): model must be a tf.LayersModel, e.g. from lenet5() or cnn()");
  }
  if (typeof directory !== "string" || directory === "") {
    throw new TypeError('saveModel(model, directory): directory must be a path, e.g. "models/lenet5"');
  }
  const existing = fs.existsSync(directory) ? fs.readdirSync(directory) : [];
  if (existing.length > 0 && !options.overwrite) {
    throw new Error(
      `saveModel: ${directory} already holds ${existing.slice(0, 4).join(", ")}${existing.length > 4 ? ", …" : ""}; ` +
        "nothing was written. Pass { overwrite: true } to replace it, or choose another directory",
    );
  }
  let saved: SavedModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = Buffer.concat(
        (Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData ?? new ArrayBuffer(0)]).map(
          (part) => Buffer.from(part),
        ),
      );
      const weightsFile = `weights-${createHash("sha256").update(weights).digest("hex").slice(0, 16)}.bin`;
      const manifest = {
        modelTopology: artifacts.modelTopology,
        trainingConfig: artifacts.trainingConfig,
        format: "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: `cnnlab ${require("../../../package.json").version}`,
        weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileAtomically(path.join(directory, weightsFile), weights);
      writeFileAtomically(path.join(directory, MODEL_FILE), JSON.stringify(manifest));
      // Earlier weights files of this directory, now that model.json no longer names them.
      for (const name of fs.readdirSync(directory)) {
        if (WEIGHTS_FILE.test(name) && name !== weightsFile) fs.rmSync(path.join(directory, name));
      }
      saved = { directory, files: [MODEL_FILE, weightsFile], bytes: weights.length };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
    // With the optimiser, a loaded model is compiled as it was and its training continues where it stopped.
    { includeOptimizer: true },
  );
  const result = saved!;
  return {
    ...result,
    toString: () =>
      `saved ${model.name} to ${directory} (${result.files.join(", ")}; ${result.bytes.toLocaleString("en-US")} bytes of weights)`,
  } as SavedModel;
}

/**
 * Loads a model saved by {@link saveModel} (or any TensorFlow.js layers model directory: `model.json` and its
 * weights files) and returns it compiled as it was saved, ready for `predict`, `evaluate` and more `train`.
 */
export async function loadModel(directory: string): Promise<tf.LayersModel> {
  const modelFile = path.join(directory, MODEL_FILE);
  if (!fs.existsSync(directory))
    throw new Error(
      `loadModel: ${directory} does not exist; save a model there first with saveModel(model, "${directory}")`,
    );
  if (!fs.existsSync(modelFile)) {
    throw new Error(`loadModel: ${directory} has no ${MODEL_FILE}; it is not a saved model (saveModel writes one)`);
  }
  let manifest: {
    modelTopology?: unknown;
    trainingConfig?: tf.io.TrainingConfig;
    format?: string;
    generatedBy?: string;
    convertedBy?: string;
    weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  };
  try {
    manifest = JSON.parse(fs.readFileSync(modelFile, "utf8"));
  } catch (error) {
    throw new Error(`loadModel: ${modelFile} is not valid JSON (${(error as Error).message}); save the model again`, {
      cause: error,
    });
  }
  if (
    manifest === null ||
    typeof manifest !== "object" ||
    manifest.modelTopology === undefined ||
    !Array.isArray(manifest.weightsManifest)
  ) {
    throw new Error(
      `loadModel: ${modelFile} lacks modelTopology or weightsManifest; it is not a TensorFlow.js layers model`,
    );
  }
  const specs = manifest.weightsManifest.flatMap((group) => group.weights);
  const parts = manifest.weightsManifest.flatMap((group) =>
    group.paths.map((name) => {
      const file = path.join(directory, name);
      if (!fs.existsSync(file))
        throw new Error(`loadModel: ${file}, named in ${MODEL_FILE}, is missing; save the model again`);
      return fs.readFileSync(file);
    }),
  );
  const weights = Buffer.concat(parts);
  const expected = specs.reduce(
    (sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * (BYTES_PER_VALUE[spec.dtype] ?? 4),
    0,
  );
  if (weights.length !== expected) {
    throw new Error(
      `loadModel: the weights in ${directory} are ${weights.length} bytes but ${MODEL_FILE} describes ${expected}; ` +
        "the weights file is truncated or belongs to another model: save the model again",
    );
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: manifest.modelTopology as tf.io.ModelArtifacts["modelTopology"],
    trainingConfig: manifest.trainingConfig,
    format: manifest.format,
    generatedBy: manifest.generatedBy,
    convertedBy: manifest.convertedBy,
    weightSpecs: specs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  };
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    const unknown = /Unknown layer: (\w+)/.exec((error as Error).message);
    if (unknown) {
      throw new Error(
        `loadModel: ${modelFile} uses the layer class ${unknown[1]}, which neither tfjs nor cnnlab defines; run the code ` +
          "that defines it (and calls tf.serialization.registerClass) before loadModel",
        { cause: error },
      );
    }
    throw error;
  }
}
