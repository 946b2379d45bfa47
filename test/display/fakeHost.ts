import { KERNEL_HOST, KernelHost, DisplayOptions, JUPYTER_DISPLAY, MimeBundle } from "../../src/display/protocol";

/** What a fake kernel received: the bundle it would have sent, and the display options. */
export interface SentOutput {
  bundle: MimeBundle | undefined;
  value: unknown;
  options: DisplayOptions | undefined;
}

/**
 * Publishes a fake kernel host (as the cnnlab kernel does while a cell runs) that formats each value the way the
 * kernel does, and records it. Returns the record and a function that removes the host again.
 */
export function installFakeHost(): { sent: SentOutput[]; remove(): void } {
  const sent: SentOutput[] = [];
  const host: KernelHost = {
    display(value: unknown, options?: DisplayOptions) {
      const method = (value as Record<symbol, unknown> | null)?.[JUPYTER_DISPLAY];
      const bundle = typeof method === "function" ? (method.call(value) as MimeBundle) : undefined;
      sent.push({ bundle, value, options });
    },
    clearOutput() {},
    signal: new AbortController().signal,
    input: () => Promise.reject(new Error("no stdin in tests")),
  };
  (globalThis as Record<symbol, unknown>)[KERNEL_HOST] = host;
  return {
    sent,
    remove() {
      delete (globalThis as Record<symbol, unknown>)[KERNEL_HOST];
    },
  };
}
