import * as tf from "@tensorflow/tfjs-core";
import type { DataType, KernelBackend, TensorInfo } from "@tensorflow/tfjs-core";
import type { NativeBinding } from "../../native/binding";

interface WasmBackendInternals extends KernelBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
}

/**
 * What a native kernel needs from tfjs's wasm backend: allocate outputs in the wasm heap, the byte offset of each
 * tensor there, and the heap itself. Take `heap()` after the last allocation: allocating can grow the heap, which
 * replaces its ArrayBuffer.
 */
export class WasmHeap {
  private readonly backend: WasmBackendInternals;

  constructor(backend: object) {
    this.backend = backend as WasmBackendInternals;
  }

  allocate(shape: number[]): TensorInfo {
    return this.backend.makeOutput(shape, "float32");
  }

  offset(info: TensorInfo | undefined): number {
    if (info === undefined) return -1;
    if (info.dtype !== "float32") throw new Error(`cnnlab native engine: expected a float32 tensor, got ${info.dtype}`);
    const data = this.backend.dataIdMap.get(info.dataId);
    if (data === undefined) throw new Error("cnnlab native engine: a tensor is not in the wasm heap (disposed?)");
    return data.memoryOffset;
  }

  heap(): ArrayBuffer {
    return this.backend.wasm.HEAPU8.buffer as ArrayBuffer;
  }
}

const argumentBuffer = new Float64Array(64);

/** Packs a kernel's arguments into one reused Float64Array (a fresh one per call would be garbage per kernel call). */
export function packArguments(values: number[]): Float64Array {
  argumentBuffer.set(values);
  return argumentBuffer.subarray(0, values.length);
}

/**
 * The 18 numbers native kernels read as a Window (kernels.h), from tfjs's own convolution or pooling geometry;
 * `depthwise` makes it a convolution with one group per input channel.
 */
export function windowArguments(info: tf.backend_util.Conv2DInfo, depthwise = false): number[] {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.bottom,
    info.padInfo.left,
    info.padInfo.right,
    depthwise ? info.inChannels : 1,
  ];
}

/** Activation codes of kernels.h's Activation enum; undefined when the native kernels cannot fuse it. */
export function activationCode(activation: string | undefined): number | undefined {
  if (activation === undefined || activation === "linear") return 0;
  if (activation === "relu") return 1;
  return undefined;
}

export type Binding = NativeBinding;

/** A kernel's inputs with the ones tfjs always passes marked present (tfjs types every input as optional). */
export type Present<Inputs> = { [Name in keyof Inputs]-?: NonNullable<Inputs[Name]> };
