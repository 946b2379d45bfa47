import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { arrayHost, KernelBackendName } from "./arrayHost";

/**
 * Tile: repeats x reps[i] times along axis i. Copies whole contiguous runs of the innermost axis and then doubles
 * up already-written blocks, instead of computing a source index per element (the stock wasm and cpu kernels do).
 *
 * @param stock the kernel it replaces, used for string tensors.
 */
export function tileConfig(backendName: KernelBackendName, stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = args.inputs as { x: TensorInfo };
    const reps = (args.attrs as { reps: number[] }).reps;
    if (x.dtype === "string" || x.dtype === "complex64") {
      if (stock === undefined)
        throw new Error(`cnnlab engine: Tile of ${x.dtype} tensors is not supported on ${backendName}`);
      return stock.kernelFunc(args) as TensorInfo;
    }
    const host = arrayHost(backendName, args.backend);
    const shape = x.shape;
    const outShape = shape.map((size, axis) => size * reps[axis]);
    const out = host.allocate(outShape, x.dtype);
    const source = host.values(x);
    const target = host.values(out);
    if (shape.length === 0) {
      target[0] = source[0];
      return out;
    }
    // Work from the innermost axis out: after handling axis a, every block of outShape[a..] for each index of
    // shape[..a) is complete. Block b of the input at axis a starts at b·inner(a) in x and b·outInner(a) in out.
    const rank = shape.length;
    const outer = (axis: number): number => shape.slice(0, axis).reduce((p, s) => p * s, 1);
    const outInner = (axis: number): number => outShape.slice(axis).reduce((p, s) => p * s, 1);
    // Innermost axis: copy each input row into the first slot of its output row, repeated reps times.
    const rowLength = shape[rank - 1];
    const rows = outer(rank - 1);
    const outRowLength = outShape[rank - 1];
    for (let row = 0; row < rows; row++) {
      const from = row * rowLength;
      const to = row * outRowLength;
      const piece = source.subarray(from, from + rowLength);
      for (let r = 0; r < reps[rank - 1]; r++) target.set(piece, to + r * rowLength);
    }
    // Outer axes: the block for (index prefix, i) of size outInner(a+1) is already in place at its first-rep
    // position; copy it to the other reps of axis a, processing prefixes from the last so nothing is overwritten.
    for (let axis = rank - 2; axis >= 0; axis--) {
      const block = outInner(axis + 1) * shape[axis];
      const prefixes = outer(axis);
      const spacing = outInner(axis);
      for (let prefix = prefixes - 1; prefix >= 0; prefix--) {
        // The block currently sits at prefix·block (compact layout of earlier steps); move it to its final place.
        const compactStart = prefix * block;
        const finalStart = prefix * spacing;
        if (compactStart !== finalStart) target.copyWithin(finalStart, compactStart, compactStart + block);
        for (let r = 1; r < reps[axis]; r++) target.copyWithin(finalStart + r * block, finalStart, finalStart + block);
      }
    }
    return out;
  };
  return { kernelName: tf.Tile, backendName, kernelFunc: kernelFunc as unknown as KernelFunc };
}
