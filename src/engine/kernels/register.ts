import * as tf from "@tensorflow/tfjs-core";
import type { GradConfig, KernelConfig } from "@tensorflow/tfjs-core";
import type { BackendName } from "../../settings";
import type { NativeBinding } from "../native/binding";
import { avgPoolGradConfig } from "./avgPoolGrad";
import { conv2dBackpropFilterConfig } from "./conv2dBackpropFilter";
import { conv2dBackpropInputWasmConfig } from "./conv2dBackpropInput";
import { depthwiseConv2dBackpropFilterConfig } from "./depthwiseConv2dBackpropFilter";
import { depthwiseConv2dBackpropInputConfig } from "./depthwiseConv2dBackpropInput";
import { batchNormTrainingGradient } from "../gradients/batchNormTrainingGradient";
import { comparisonGradients } from "../gradients/comparisonGradients";
import { conv2dGradient } from "../gradients/conv2dGradient";
import { depthwiseConv2dGradient } from "../gradients/depthwiseConv2dGradient";
import { fusedBatchNormGradient } from "../gradients/fusedBatchNormGradient";
import { reluGradient } from "../gradients/reluGradient";
import { tileGradient } from "../gradients/tileGradient";
import { fuseBatchNormalizationTraining } from "../layers/batchNormalization";
import { skipUnneededConvolutionGradients } from "../layers/convolution";
import { applyDepthwiseDilation } from "../layers/depthwiseConvolution";
import { fuseAdamUpdates } from "../optimizers/adam";
import { adamUpdateNativeConfig } from "./native/adam";
import { addNativeConfig } from "./native/add";
import { sumNativeConfig } from "./native/sum";
import { identityWasmConfig } from "./identity";
import { maxPoolGradConfig } from "./maxPoolGrad";
import { resizeBilinearGradConfig } from "./resizeBilinearGrad";
import { resizeNearestNeighborGradConfig } from "./resizeNearestNeighborGrad";
import { resizeGradTensorflowConfig } from "./tensorflow/resizeGrad";
import { batchMatMulNativeConfig, fusedMatMulNativeConfig } from "./native/batchMatMul";
import {
  batchNormTrainingGradientNativeConfig,
  batchNormTrainingNativeConfig,
  fusedBatchNormNativeConfig,
} from "./native/batchNorm";
import { conv2dNativeConfig, fusedConv2dNativeConfig } from "./native/conv2d";
import { depthwiseConv2dNativeConfig, fusedDepthwiseConv2dNativeConfig } from "./native/depthwiseConv2d";
import { depthwiseConv2dBackpropFilterNativeConfig } from "./native/depthwiseConv2dBackpropFilter";
import { depthwiseConv2dBackpropInputNativeConfig } from "./native/depthwiseConv2dBackpropInput";
import { conv2dBackpropFilterNativeConfig } from "./native/conv2dBackpropFilter";
import { conv2dBackpropInputNativeConfig } from "./native/conv2dBackpropInput";
import { maxPoolNativeConfig } from "./native/maxPool";
import { maxPoolGradNativeConfig } from "./native/maxPoolGrad";
import { reluGradientNativeConfig, reluNativeConfig } from "./native/relu";
import { tileConfig } from "./tile";

let gradientsRegistered = false;
/** Per tfjs backend, the kernel names cnnlab has registered there now (native and wasm both live on "wasm"). */
const ours = new Map<string, Set<string>>();

/** Gradients that replace or add to tfjs's own for every backend (written in tfjs ops where no kernel of ours runs). */
export const engineGradients = [
  tileGradient,
  fusedBatchNormGradient,
  reluGradient,
  batchNormTrainingGradient,
  conv2dGradient,
  depthwiseConv2dGradient,
  ...comparisonGradients,
];

/**
 * Registers cnnlab's kernels for an engine and our gradients (once), and returns the kernel names. The only place in
 * cnnlab that calls tf.registerKernel and tf.registerGradient. Must run after the backend is initialised: tfjs runs
 * a kernel's setup only on setBackend, and the stock kernels we replace are kept (already set up) as fallbacks.
 * "native" and "wasm" share tfjs's wasm backend: switching between them swaps the kernels registered there.
 */
export function registerEngineKernels(engine: BackendName, binding?: NativeBinding): string[] {
  if (!gradientsRegistered) {
    for (const gradient of engineGradients) {
      stockGradients.set(gradient.kernelName, tf.getGradient(gradient.kernelName));
      tf.registerGradient(gradient);
    }
    gradientsRegistered = true;
    skipUnneededConvolutionGradients();
    applyDepthwiseDilation();
  }
  let configs: KernelConfig[];
  if (engine === "tensorflow") {
    configs = tensorflowKernels();
  } else if (engine === "native") {
    if (binding === undefined) throw new Error("cnnlab engine: the native kernels need the loaded native engine");
    // Native kernels come last so they replace our wasm kernels of the same name.
    configs = uniqueByName([...wasmKernels(), ...nativeKernels(binding)]);
    fuseBatchNormalizationTraining();
    fuseAdamUpdates();
  } else {
    configs = engine === "wasm" ? wasmKernels() : cpuKernels();
  }
  const backendName = configs[0].backendName;
  const wanted = new Set(configs.map((config) => config.kernelName));
  const previous = ours.get(backendName) ?? new Set<string>();
  for (const name of previous) if (!wanted.has(name)) restoreStock(name, backendName);
  for (const config of configs) replaceKernel(config);
  ours.set(backendName, wanted);
  return [...wanted];
}

function uniqueByName(configs: KernelConfig[]): KernelConfig[] {
  const byName = new Map<string, KernelConfig>();
  for (const config of configs) byName.set(config.kernelName, config);
  return [...byName.values()];
}

function wasmKernels(): KernelConfig[] {
  return [
    conv2dBackpropFilterConfig("wasm"),
    conv2dBackpropInputWasmConfig(stockKernel(tf.Conv2DBackpropInput, "wasm")),
    // The stock wasm MaxPoolGrad sends gradients to the wrong pixels with padding "same" (kernels.test.ts).
    maxPoolGradConfig("wasm"),
    avgPoolGradConfig("wasm"),
    // tfjs's wasm backend has no depthwise gradient kernels (the native engine replaces these with oneDNN's).
    depthwiseConv2dBackpropInputConfig("wasm"),
    depthwiseConv2dBackpropFilterConfig("wasm"),
    // The stock wasm resize gradients ignore half-pixel centres.
    resizeNearestNeighborGradConfig("wasm"),
    resizeBilinearGradConfig("wasm"),
    tileConfig("wasm", stockKernel(tf.Tile, "wasm")),
    identityWasmConfig(),
  ];
}

function nativeKernels(binding: NativeBinding): KernelConfig[] {
  const stock = (name: string): KernelConfig => {
    const config = stockKernel(name, "wasm");
    if (config === undefined)
      throw new Error(`cnnlab engine: tfjs's wasm backend has no ${name} kernel to fall back to`);
    return config;
  };
  return [
    conv2dNativeConfig(binding, stock(tf.Conv2D)),
    fusedConv2dNativeConfig(binding, stock(tf.FusedConv2D)),
    conv2dBackpropInputNativeConfig(
      binding,
      conv2dBackpropInputWasmConfig(stockKernel(tf.Conv2DBackpropInput, "wasm")),
    ),
    conv2dBackpropFilterNativeConfig(binding, conv2dBackpropFilterConfig("wasm")),
    depthwiseConv2dNativeConfig(binding, stock(tf.DepthwiseConv2dNative)),
    fusedDepthwiseConv2dNativeConfig(binding, stock(tf.FusedDepthwiseConv2D)),
    depthwiseConv2dBackpropInputNativeConfig(binding),
    depthwiseConv2dBackpropFilterNativeConfig(binding),
    batchMatMulNativeConfig(binding, stock(tf.BatchMatMul)),
    fusedMatMulNativeConfig(binding, stock(tf._FusedMatMul)),
    maxPoolNativeConfig(binding, stock(tf.MaxPool)),
    maxPoolGradNativeConfig(binding),
    fusedBatchNormNativeConfig(binding, stock(tf.FusedBatchNorm)),
    batchNormTrainingNativeConfig(binding),
    batchNormTrainingGradientNativeConfig(binding),
    reluNativeConfig(binding, stock(tf.Relu)),
    reluGradientNativeConfig(binding),
    adamUpdateNativeConfig(binding),
    addNativeConfig(binding, stock(tf.Add)),
    sumNativeConfig(binding, stock(tf.Sum)),
  ];
}

function tensorflowKernels(): KernelConfig[] {
  return ([tf.ResizeBilinearGrad, tf.ResizeNearestNeighborGrad] as const).map((name) => {
    const stock = stockKernel(name, "tensorflow");
    if (stock === undefined) throw new Error(`cnnlab engine: tfjs-node has no ${name} kernel to fall back to`);
    return resizeGradTensorflowConfig(name, stock);
  });
}

function cpuKernels(): KernelConfig[] {
  return [
    conv2dBackpropFilterConfig("cpu"),
    maxPoolGradConfig("cpu"),
    avgPoolGradConfig("cpu"),
    // The stock cpu resize gradients are wrong: nearest for batch > 1, bilinear's shape for height ≠ width.
    resizeNearestNeighborGradConfig("cpu"),
    resizeBilinearGradConfig("cpu"),
    tileConfig("cpu", stockKernel(tf.Tile, "cpu")),
  ];
}

const stockGradients = new Map<string, GradConfig | undefined>();

/** The gradient tfjs itself registered for this kernel, before we replaced it (tests compare against it). */
export function stockGradient(kernelName: string): GradConfig | undefined {
  return stockGradients.has(kernelName) ? stockGradients.get(kernelName) : tf.getGradient(kernelName);
}

const stockKernels = new Map<string, KernelConfig | undefined>();

/** The kernel tfjs itself registered under this name, before we replaced it (tests compare against it). */
export function stockKernel(kernelName: string, backendName: string): KernelConfig | undefined {
  const key = `${backendName}_${kernelName}`;
  if (!stockKernels.has(key)) stockKernels.set(key, tf.getKernel(kernelName, backendName));
  return stockKernels.get(key);
}

function replaceKernel(config: KernelConfig): void {
  stockKernel(config.kernelName, config.backendName);
  // Unregister first: registerKernel over an existing kernel prints a warning meant for accidental clashes.
  if (tf.getKernel(config.kernelName, config.backendName) !== undefined)
    tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

function restoreStock(kernelName: string, backendName: string): void {
  if (tf.getKernel(kernelName, backendName) !== undefined) tf.unregisterKernel(kernelName, backendName);
  const stock = stockKernel(kernelName, backendName);
  if (stock !== undefined) tf.registerKernel(stock);
}
