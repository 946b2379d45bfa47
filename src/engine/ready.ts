import * as tf from "@tensorflow/tfjs";
import { useBestBackend } from "./backend";

/**
 * Makes sure the engine has chosen its backend before a library entry point creates tensors. Called by every
 * function that computes, not at import, so that importing cnnlab never changes tfjs's backend.
 */
export async function backendReady(): Promise<void> {
  await useBestBackend();
  await tf.ready();
}
