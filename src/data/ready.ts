import * as tf from "@tensorflow/tfjs";
import { fastMode } from "../settings";

/**
 * Makes sure the engine has chosen its backend before a library entry point creates tensors.
 * Loaded lazily so that importing cnnlab never changes tfjs's backend (the engine seam).
 * @internal
 */
export async function backendReady(): Promise<void> {
  const { useBestBackend } = await import("../engine/backend");
  await useBestBackend();
  await tf.ready();
}

/** Whether a call runs in fast mode: its own `fast` option if given, else CNNLAB_FAST. @internal */
export function isFast(option: boolean | undefined): boolean {
  return option ?? fastMode;
}
