import * as tf from "@tensorflow/tfjs-core";

/** The tensor a kernel is about to make, known from its inputs' shapes and its attributes before it runs. */
export interface OutputEstimate {
  readonly shape: readonly number[];
  readonly dtype: tf.DataType;
  /** What `tf.memory().numBytes` grows by when the output exists. */
  readonly bytes: number;
}

type Attributes = Record<string, unknown>;

const comparisons = new Set([
  "Equal",
  "NotEqual",
  "Greater",
  "GreaterEqual",
  "Less",
  "LessEqual",
  "LogicalAnd",
  "LogicalOr",
]);

/**
 * The output of the kernels that can make a tensor much larger than their inputs: creation from a shape (Fill,
 * BroadcastTo, Reshape, Range), matrix products, convolutions, broadcasting binary operations, Tile, padding,
 * OneHot, Concat and resizing. Undefined for other kernels, and when the inputs are inconsistent (the kernel then
 * reports that itself); those are checked after they run.
 */
export function estimateOutput(
  kernelName: string,
  inputs: tf.NamedTensorMap,
  attributes: Attributes,
): OutputEstimate | undefined {
  try {
    return estimate(kernelName, inputs, attributes);
  } catch {
    return undefined;
  }
}

function estimate(kernelName: string, inputs: tf.NamedTensorMap, attributes: Attributes): OutputEstimate | undefined {
  const tensors = Object.values(inputs).filter((input): input is tf.Tensor => input instanceof tf.Tensor);
  const first = tensors[0];
  switch (kernelName) {
    case "BatchMatMul":
    case "_FusedMatMul":
      return matrixProduct(inputs.a, inputs.b, attributes);
    case "Conv2D":
    case "FusedConv2D":
      return convolution(inputs.x, inputs.filter, attributes, false);
    case "DepthwiseConv2dNative":
    case "FusedDepthwiseConv2D":
      return convolution(inputs.x, inputs.filter, attributes, true);
    case "Tile":
      return tensorOfShape(
        first.shape.map((size, axis) => size * numbers(attributes.reps)[axis]),
        first.dtype,
      );
    case "PadV2":
    case "MirrorPad": {
      const paddings = attributes.paddings as number[][];
      return tensorOfShape(
        first.shape.map((size, axis) => size + paddings[axis][0] + paddings[axis][1]),
        first.dtype,
      );
    }
    case "OneHot":
      return tensorOfShape(
        [...first.shape, Number(attributes.depth)],
        (attributes.dtype as tf.DataType | undefined) ?? "int32",
      );
    case "Concat":
      return concatenation(tensors, Number(attributes.axis));
    case "ResizeBilinear":
    case "ResizeNearestNeighbor": {
      const [height, width] = numbers(attributes.size);
      const [batch, , , channels] = first.shape as [number, number, number, number];
      return tensorOfShape([batch, height, width, channels], first.dtype);
    }
    case "Range": {
      const count = Math.max(
        0,
        Math.ceil((Number(attributes.stop) - Number(attributes.start)) / Number(attributes.step)),
      );
      return tensorOfShape([count], (attributes.dtype as tf.DataType | undefined) ?? "float32");
    }
  }
  if (Array.isArray(attributes.shape)) {
    // Creation kernels (Fill, BroadcastTo, the random ones) and Reshape, whose -1 stands for the input's size.
    const shape = numbers(attributes.shape);
    const dtype = (attributes.dtype as tf.DataType | undefined) ?? first?.dtype ?? "float32";
    if (shape.includes(-1) && first !== undefined) return { shape, dtype, bytes: first.size * bytesPerElement(dtype) };
    return tensorOfShape(shape, dtype);
  }
  const { a, b } = inputs;
  if (tensors.length === 2 && a instanceof tf.Tensor && b instanceof tf.Tensor) {
    const dtype = comparisons.has(kernelName) ? "bool" : tf.upcastType(a.dtype, b.dtype);
    return tensorOfShape(tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape), dtype);
  }
  return undefined;
}

function matrixProduct(a: tf.Tensor, b: tf.Tensor, attributes: Attributes): OutputEstimate {
  const rows = attributes.transposeA === true ? a.shape[a.rank - 1] : a.shape[a.rank - 2];
  const columns = attributes.transposeB === true ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
  const batch = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return tensorOfShape([...batch, rows, columns], tf.upcastType(a.dtype, b.dtype));
}

function convolution(x: tf.Tensor, filter: tf.Tensor, attributes: Attributes, depthwise: boolean): OutputEstimate {
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attributes.strides as number | [number, number],
    (attributes.dilations as number | [number, number] | undefined) ?? 1,
    attributes.pad as "valid" | "same",
    attributes.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    depthwise,
    tf.backend_util.convertConv2DDataFormat((attributes.dataFormat as "NHWC" | "NCHW" | undefined) ?? "NHWC"),
  );
  return tensorOfShape(info.outShape, x.dtype);
}

function concatenation(tensors: tf.Tensor[], axisAttribute: number): OutputEstimate | undefined {
  if (tensors.length === 0) return undefined;
  const shape = [...tensors[0].shape];
  const axis = axisAttribute < 0 ? axisAttribute + shape.length : axisAttribute;
  shape[axis] = tensors.reduce((total, tensor) => total + tensor.shape[axis], 0);
  return tensorOfShape(shape, tensors[0].dtype);
}

/** A tensor of this shape and dtype, and the bytes tfjs counts for it. */
export function tensorOfShape(shape: readonly number[], dtype: tf.DataType): OutputEstimate {
  const elements = shape.reduce((product, size) => product * size, 1);
  return { shape, dtype, bytes: elements * bytesPerElement(dtype) };
}

/** Bytes per element as tfjs counts them in numBytes: strings and complex numbers (counted by parts) as 0. */
export function bytesPerElement(dtype: tf.DataType): number {
  return dtype === "string" || dtype === "complex64" ? 0 : tf.util.bytesPerElement(dtype);
}

function numbers(value: unknown): number[] {
  return (value as ArrayLike<unknown>).length === undefined
    ? [Number(value)]
    : Array.from(value as ArrayLike<unknown>, Number);
}
