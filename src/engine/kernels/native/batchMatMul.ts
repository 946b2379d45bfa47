import * as tf from "@tensorflow/tfjs-core";
import type {
  BatchMatMulAttrs,
  BatchMatMulInputs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
  _FusedMatMulAttrs,
  _FusedMatMulInputs,
} from "@tensorflow/tfjs-core";
import { activationCode, Binding, packArguments, WasmHeap, Present } from "./heap";

type KernelArguments = Parameters<KernelFunc>[0];

interface Product {
  batchA: number;
  batchB: number;
  m: number;
  n: number;
  k: number;
  outputShape: number[];
}

/** The shape of a batched product the native kernel handles (equal batches, or one side a single matrix), else undefined. */
function productShape(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): Product | undefined {
  if (a.shape.length < 2 || b.shape.length < 2 || a.dtype !== "float32" || b.dtype !== "float32") return undefined;
  const leadA = a.shape.slice(0, -2);
  const leadB = b.shape.slice(0, -2);
  const batchA = tf.util.sizeFromShape(leadA);
  const batchB = tf.util.sizeFromShape(leadB);
  const m = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const kB = transposeB ? b.shape[b.shape.length - 1] : b.shape[b.shape.length - 2];
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  if (k !== kB) return undefined; // the stock kernel words the error
  let lead: number[];
  if (batchA === 1) lead = leadB.length >= leadA.length ? leadB : leadA;
  else if (batchB === 1) lead = leadA.length >= leadB.length ? leadA : leadB;
  else if (tf.util.arraysEqual(leadA, leadB)) lead = leadA;
  else return undefined;
  return { batchA, batchB, m, n, k, outputShape: [...lead, m, n] };
}

function multiply(
  binding: Binding,
  args: KernelArguments,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | undefined,
  activation: number,
  product: Product,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const heap = new WasmHeap(args.backend);
  const c = heap.allocate(product.outputShape);
  binding.matMul(
    heap.heap(),
    packArguments([
      heap.offset(a),
      heap.offset(b),
      heap.offset(bias),
      heap.offset(c),
      activation,
      product.batchA,
      product.batchB,
      product.m,
      product.n,
      product.k,
      transposeA ? 1 : 0,
      transposeB ? 1 : 0,
    ]),
  );
  return c;
}

/**
 * BatchMatMul in oneDNN. A dense layer's gradients multiply by transposed operands; oneDNN reads them through
 * strides, where the stock kernel first copies a transposed matrix (26% of a LeNet-5 step was BatchMatMul).
 */
export function batchMatMulNativeConfig(binding: Binding, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArguments): TensorInfo => {
    const { a, b } = args.inputs as unknown as Present<BatchMatMulInputs>;
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const product = productShape(a, b, transposeA, transposeB);
    if (product === undefined) return stock.kernelFunc(args) as TensorInfo;
    return multiply(binding, args, a, b, undefined, 0, product, transposeA, transposeB);
  };
  return { kernelName: tf.BatchMatMul, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** _FusedMatMul (dense layer + bias + activation at inference) with bias and ReLU inside oneDNN's product. */
export function fusedMatMulNativeConfig(binding: Binding, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArguments): TensorInfo => {
    const { a, b, bias } = args.inputs as unknown as _FusedMatMulInputs;
    const attrs = args.attrs as unknown as _FusedMatMulAttrs;
    const activation = activationCode(attrs.activation);
    const product = productShape(a, b, attrs.transposeA, attrs.transposeB);
    const biasFits =
      bias === undefined ||
      ((bias as TensorInfo).dtype === "float32" && tf.util.sizeFromShape((bias as TensorInfo).shape) === product?.n);
    if (product === undefined || activation === undefined || !biasFits) return stock.kernelFunc(args) as TensorInfo;
    return multiply(
      binding,
      args,
      a,
      b,
      bias as TensorInfo | undefined,
      activation,
      product,
      attrs.transposeA,
      attrs.transposeB,
    );
  };
  return { kernelName: tf._FusedMatMul, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}
