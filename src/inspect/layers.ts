import * as tf from "@tensorflow/tfjs";

/** Finds a layer by name or index, with an error listing the names when it is not there. */
export function findLayer(model: tf.LayersModel, layer: string | number | tf.layers.Layer): tf.layers.Layer {
  if (typeof layer === "object") return layer;
  if (typeof layer === "number") {
    const found = model.layers[layer];
    if (!found) throw new RangeError(`layer index ${layer} is out of range 0..${model.layers.length - 1}`);
    return found;
  }
  const found = model.layers.find((l) => l.name === layer);
  if (!found) {
    throw new Error(`the model has no layer "${layer}"; its layers are ${model.layers.map((l) => l.name).join(", ")}`);
  }
  return found;
}

/** A model from the original inputs to the given layers' outputs (shares weights with `model`). */
export function layerOutputsModel(model: tf.LayersModel, layers: tf.layers.Layer[]): tf.LayersModel {
  const outputs = layers.map((l) => l.output as tf.SymbolicTensor);
  return tf.model({ inputs: model.inputs, outputs });
}

/** A batch [1, h, w, c] from one image [h, w, c] (or a batch as it is), checked against the model's input. */
export function asBatch(model: tf.LayersModel, x: tf.Tensor, caller: string): tf.Tensor4D {
  const batch = x.rank === 3 ? x.expandDims(0) : x;
  const expected = model.inputs[0].shape.slice(1);
  if (batch.rank !== 4 || batch.shape.slice(1).some((d, i) => expected[i] !== null && expected[i] !== d)) {
    if (batch !== x) batch.dispose();
    throw new Error(
      `${caller}: expected an image [${expected.join(",")}] or a batch [n,${expected.join(",")}], ` +
        `got a rank-${x.rank} tensor [${x.shape.join(",")}]`,
    );
  }
  return batch as tf.Tensor4D;
}
