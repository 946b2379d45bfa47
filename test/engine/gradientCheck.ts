import * as tf from "@tensorflow/tfjs";

/** A small deterministic random generator (mulberry32), so every run checks the same numbers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values uniform in [-1, 1). */
export function randomValues(random: () => number, count: number): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = 2 * random() - 1;
  return values;
}

/**
 * Distinct integers, shuffled and centred on 0: max pooling picks one clear winner per window, and nudging an input
 * by ±0.25 never changes which one, so finite differences of max pooling are exact.
 */
export function distinctValues(random: () => number, count: number): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = i - Math.floor(count / 2);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

/** max |actual − expected| / max |expected|: the error relative to the size of the result. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    difference = Math.max(difference, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return difference / Math.max(scale, 1e-30);
}

/** What {@link checkGradients} found. */
export interface GradientCheck {
  /** Gradients of the loss with respect to every input, from tfjs on the active backend. */
  readonly analytic: Float32Array[];
  /** For each input listed in `inputsToCheck`, the relative error of `analytic` against finite differences. */
  readonly finiteDifferenceErrors: number[];
}

/**
 * Gradients of loss = Σ f(inputs)·weights (random weights) by tfjs, and their error against central finite
 * differences at `samples` coordinates of each checked input. The loss is summed in float64 from the op's float32
 * outputs. For an op that is (piecewise) linear in an input the difference quotient is exact whatever the step, so
 * a large step keeps float32 rounding out of the comparison.
 */
export function checkGradients(
  f: (...inputs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  options: { random: () => number; step: number; samples: number; inputsToCheck?: number[] },
): GradientCheck {
  const outputShape = tf.tidy(() => f(...inputs).shape);
  const weights = new Float32Array(tf.util.sizeFromShape(outputShape));
  for (let i = 0; i < weights.length; i++) weights[i] = 2 * options.random() - 1;
  const analytic = tf.tidy(() => {
    const weightTensor = tf.tensor(weights, outputShape);
    return tf
      .grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), weightTensor)))(inputs)
      .map((gradient) => gradient.dataSync() as Float32Array);
  });
  const loss = (which: number, values: Float32Array): number =>
    tf.tidy(() => {
      const moved = inputs.slice();
      moved[which] = tf.tensor(values, inputs[which].shape);
      const result = f(...moved).dataSync();
      let total = 0;
      for (let i = 0; i < result.length; i++) total += result[i] * weights[i];
      return total;
    });
  const finiteDifferenceErrors = (options.inputsToCheck ?? inputs.map((_, i) => i)).map((which) => {
    const base = inputs[which].dataSync() as Float32Array;
    const coordinates = new Set<number>();
    while (coordinates.size < Math.min(options.samples, base.length))
      coordinates.add(Math.floor(options.random() * base.length));
    const numeric: number[] = [];
    const expected: number[] = [];
    for (const index of coordinates) {
      const plus = Float32Array.from(base);
      plus[index] += options.step;
      const minus = Float32Array.from(base);
      minus[index] -= options.step;
      numeric.push((loss(which, plus) - loss(which, minus)) / (plus[index] - minus[index]));
      expected.push(analytic[which][index]);
    }
    return relativeError(expected, numeric);
  });
  return { analytic, finiteDifferenceErrors };
}

/** What {@link checkLayerGradients} found, for the input and then each trainable weight in the layer's order. */
export interface LayerGradientCheck {
  /** "input", then the weights' names without the layer prefix ("kernel", "bias", "gamma"...). */
  readonly names: string[];
  /** The layer's output on the unmoved input and weights. */
  readonly output: Float32Array;
  /** Gradients of the loss by tfjs on the active backend, for the input and each trainable weight. */
  readonly analytic: Float32Array[];
  /** Relative error of each analytic gradient against central finite differences at `samples` coordinates. */
  readonly finiteDifferenceErrors: number[];
}

/**
 * {@link checkGradients} for a tfjs layer as a model uses it: loss = Σ layer(input)·weights (random weights), its
 * gradients with respect to the input and every trainable weight by tfjs, and central finite differences that move
 * one input value or one weight at a time (weights through their variables, as an optimizer does). The layer is
 * applied with `training` (default true), so dropout and batch normalisation run their training passes.
 */
export function checkLayerGradients(
  layer: tf.layers.Layer,
  input: tf.Tensor,
  options: { random: () => number; step: number; samples: number; training?: boolean },
): LayerGradientCheck {
  const kwargs = { training: options.training ?? true };
  const apply = (x: tf.Tensor): tf.Tensor => layer.apply(x, kwargs) as tf.Tensor;
  const first = apply(input);
  const output = Float32Array.from(first.dataSync());
  const outputShape = first.shape;
  first.dispose();
  const weights = new Float32Array(output.length);
  for (let i = 0; i < weights.length; i++) weights[i] = 2 * options.random() - 1;
  const weightTensor = tf.tensor(weights, outputShape);
  const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const inputVariable = tf.variable(input, true);
  const analytic = tf.tidy(() => {
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(apply(inputVariable), weightTensor)) as tf.Scalar,
      [inputVariable, ...variables],
    );
    return [inputVariable, ...variables].map((variable) => {
      const gradient = grads[variable.name];
      if (gradient === undefined) throw new Error(`no gradient reached ${variable.name}`);
      return Float32Array.from(gradient.dataSync());
    });
  });
  const loss = (): number =>
    tf.tidy(() => {
      const result = apply(inputVariable).dataSync();
      let total = 0;
      for (let i = 0; i < result.length; i++) total += result[i] * weights[i];
      return total;
    });
  const finiteDifferenceErrors = [inputVariable, ...variables].map((variable, which) => {
    const base = Float32Array.from(variable.dataSync());
    const coordinates = new Set<number>();
    while (coordinates.size < Math.min(options.samples, base.length))
      coordinates.add(Math.floor(options.random() * base.length));
    const numeric: number[] = [];
    const expected: number[] = [];
    const moveTo = (values: Float32Array): void => tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
    for (const index of coordinates) {
      const moved = Float32Array.from(base);
      moved[index] = base[index] + options.step;
      const plusValue = moved[index];
      moveTo(moved);
      const plus = loss();
      moved[index] = base[index] - options.step;
      const minusValue = moved[index];
      moveTo(moved);
      const minus = loss();
      numeric.push((plus - minus) / (plusValue - minusValue));
      expected.push(analytic[which][index]);
    }
    moveTo(base);
    return relativeError(expected, numeric);
  });
  const names = [
    "input",
    ...layer.trainableWeights.map((weight) => weight.originalName.split("/").pop() ?? weight.name),
  ];
  tf.dispose([weightTensor, inputVariable]);
  return { names, output, analytic, finiteDifferenceErrors };
}
