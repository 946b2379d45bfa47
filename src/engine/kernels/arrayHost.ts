import * as tf from "@tensorflow/tfjs-core";
import type { DataType, KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs-core";

/** A typed array holding a tensor's values (strings never reach our kernels). */
export type Values = Float32Array | Int32Array | Uint8Array;

/** The backends our kernels run on. */
export type KernelBackendName = "wasm" | "cpu";

/**
 * The few things a kernel needs from the backend it runs on, the same for wasm and cpu: read a tensor's values as
 * a typed array, allocate an output, and call the backend's own kernels. Lets one typed-array loop serve both
 * backends, and lets wasm kernels be built from the wasm backend's XNNPACK kernels.
 */
export interface ArrayHost {
  readonly name: KernelBackendName;
  readonly backend: KernelBackend;
  /**
   * The values of a tensor, without copying. On wasm this is a view into the wasm heap, which moves when the heap
   * grows: take views only after the last allocation of a kernel.
   */
  values(info: TensorInfo): Values;
  /** A new, zero-filled tensor owned by this backend. */
  allocate(shape: number[], dtype: DataType): TensorInfo;
  /** Frees an intermediate result that is not returned from the kernel. */
  dispose(info: TensorInfo): void;
  /** Runs another kernel of this backend directly (no tape, no engine bookkeeping). */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs?: NamedAttrMap): TensorInfo;
}

interface WasmBackendShape extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Values;
}

interface CpuBackendShape extends KernelBackend {
  makeTensorInfo(shape: number[], dtype: DataType, values?: Values): TensorInfo;
  data: { get(dataId: object): { values?: unknown } };
}

/** Wraps the backend object a kernel function receives. */
export function arrayHost(name: KernelBackendName, backendObject: object): ArrayHost {
  const backend = backendObject as KernelBackend;
  const run = (kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo => {
    const kernel = tf.getKernel(kernelName, name);
    if (kernel === undefined) throw new Error(`cnnlab engine: the ${name} backend has no ${kernelName} kernel`);
    const result = kernel.kernelFunc({ inputs, attrs, backend });
    if (Array.isArray(result)) throw new Error(`cnnlab engine: ${kernelName} returned several tensors, expected one`);
    return result as TensorInfo;
  };
  const dispose = (info: TensorInfo): void => {
    backend.disposeData(info.dataId);
  };
  if (name === "wasm") {
    const wasm = backend as WasmBackendShape;
    return {
      name,
      backend,
      values: (info) => wasm.typedArrayFromHeap(info),
      allocate: (shape, dtype) => {
        const info = wasm.makeOutput(shape, dtype);
        // The wasm heap is reused, so a fresh tensor holds whatever was there before.
        wasm.typedArrayFromHeap(info).fill(0);
        return info;
      },
      dispose,
      run,
    };
  }
  const cpu = backend as CpuBackendShape;
  return {
    name,
    backend,
    values: (info) => {
      const values = cpu.data.get(info.dataId).values;
      if (!(values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array)) {
        throw new Error(`cnnlab engine: expected numeric tensor values on the cpu backend, got ${info.dtype}`);
      }
      return values;
    },
    allocate: (shape, dtype) => {
      const values = tf.util.getTypedArrayFromDType(dtype as "float32", tf.util.sizeFromShape(shape)) as Values;
      return cpu.makeTensorInfo(shape, dtype, values);
    },
    dispose,
    run,
  };
}
