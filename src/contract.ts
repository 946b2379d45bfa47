/**
 * The contract between the kernel and the library, the only module both import: the display symbol (Deno's, so
 * cnnlab objects render in Deno's Jupyter kernel too), the symbol the kernel publishes its host object under, and
 * the shapes they carry. The kernel's host `implements` {@link KernelHost}, so the two sides cannot drift apart
 * without the compiler saying so. Nothing here imports anything: the kernel must stay free of tfjs and the library.
 */

/** The method name under which a displayable object returns its mimebundle. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** Where the kernel publishes its host object while a cell runs. */
export const KERNEL_HOST: unique symbol = Symbol.for("cnnlab.kernel") as never;

/** A plotly figure as the `application/vnd.plotly.v1+json` mime type carries it. */
export interface PlotlyMimeData {
  data: unknown[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/**
 * A Jupyter mimebundle: one representation per mime type. `image/png` is base64 text; every bundle the library
 * makes carries `text/plain`, so a frontend or a terminal without images still shows something useful.
 */
export interface MimeBundle {
  "text/plain": string;
  "text/html"?: string;
  "image/png"?: string;
  "application/vnd.plotly.v1+json"?: PlotlyMimeData;
  [mimeType: string]: unknown;
}

/** Anything the kernel (or Deno) can show: it answers the display symbol with a mimebundle. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle>;
}

/** Options of a display call. */
export interface DisplayOptions {
  /** Names the output (display_id): a later display with the same id replaces it in place (update_display_data). */
  id?: string;
  /** Force (true) or prevent (false) an update of an earlier display with the same id. */
  update?: boolean;
  /** Output metadata sent with the bundle (e.g. image sizes). */
  metadata?: Record<string, unknown>;
}

/** A mimebundle with its metadata, as the kernel formats a value and sends it (display_data's data and metadata). */
export interface FormattedOutput {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** One end of a Jupyter comm (https://jupyter-client.readthedocs.io/en/latest/messaging.html#custom-messages). */
export interface KernelComm {
  readonly commId: string;
  readonly closed: boolean;
  send(data?: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: Buffer[]): void;
  close(data?: Record<string, unknown>): void;
  /** Called with each comm_msg from the frontend, in order; a returned promise is awaited before the next. */
  onMsg(handler: (data: Record<string, unknown>, message: { buffers: Buffer[] }) => void | Promise<void>): unknown;
  onClose(handler: (data: Record<string, unknown>) => void | Promise<void>): unknown;
}

/** The kernel's comm access: frontend-opened comms reach registered targets; the kernel opens its own. */
export interface KernelComms {
  registerTarget(
    name: string,
    handler: (comm: KernelComm, data: Record<string, unknown>) => void | Promise<void>,
  ): void;
  unregisterTarget(name: string): void;
  open(targetName: string, data?: Record<string, unknown>, metadata?: Record<string, unknown>): KernelComm;
}

/** The object the cnnlab kernel publishes on `globalThis[Symbol.for("cnnlab.kernel")]` while a cell runs. */
export interface KernelHost {
  /** Formats `value` with the kernel's format() and sends display_data, or update_display_data when
   *  options.update is true (options.id is the display_id; display with an id creates it). */
  display(value: unknown, options?: DisplayOptions): void;
  clearOutput(wait?: boolean): void;
  /** Aborted when the user interrupts the current execution; a fresh one per execution. */
  readonly signal: AbortSignal;
  /** Asks the frontend for a line of input (stdin input_request); rejects if the frontend has no stdin. */
  input(prompt?: string, options?: { password?: boolean }): Promise<string>;
  /** Comms to the frontend (widgets use them). */
  readonly comm: KernelComms;
  /** The mimebundle `display(value)` would send, without sending it. */
  format(value: unknown): Promise<FormattedOutput>;
}

/** The kernel's host object when running inside the cnnlab kernel, else undefined (plain Node, tests). */
export function kernelHost(): KernelHost | undefined {
  const host = (globalThis as Record<symbol, unknown>)[KERNEL_HOST];
  if (host !== null && typeof host === "object" && typeof (host as KernelHost).display === "function") {
    return host as KernelHost;
  }
  return undefined;
}

/** True when `value` implements the display protocol. */
export function isDisplayable(value: unknown): value is Displayable {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as Record<symbol, unknown>)[JUPYTER_DISPLAY] === "function"
  );
}
