import { JUPYTER_DISPLAY, kernelHost, type KernelComm, type MimeBundle } from "../contract";
import { rememberWidget, forgetWidget } from "./registry";

/** The comm target of the Jupyter widget protocol; one comm per widget model. */
export const WIDGET_TARGET = "jupyter.widget";
/** The protocol version cnnlab speaks: 2.1 adds `echo_update`, which keeps several open views of one notebook in step. */
export const PROTOCOL_VERSION = "2.1.0";
/** The mime type JupyterLab's widget manager renders. */
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

/** A widget model's synchronised attributes, in the protocol's snake_case (`_model_name`, `value`, `layout`...). */
export type WidgetState = Record<string, unknown>;

/** The model a widget is drawn by: module, name and version as in ipywidgets 8 (`@jupyter-widgets/controls` 2.0.0). */
export interface ModelSpec {
  modelModule: string;
  modelName: string;
  modelModuleVersion: string;
  viewModule: string | null;
  viewName: string | null;
  viewModuleVersion: string;
}

/** Called after the frontend (or the kernel) changed attributes; `changed` holds the new values. */
export type StateListener = (changed: WidgetState, widget: Widget) => void;

/**
 * One Jupyter widget model: its state lives here, in the kernel, and in every frontend that shows it; the two sides
 * keep it in step over a comm (https://github.com/jupyter-widgets/ipywidgets/blob/main/packages/schema/messages.md).
 *
 * Inside the cnnlab kernel the comm opens when the widget is made. Without a kernel (a script, a test) the widget
 * keeps its state and its listeners but talks to nobody, so code that builds widgets runs anywhere.
 */
export class Widget {
  private readonly state: WidgetState;
  private readonly listeners = new Set<StateListener>();
  private comm: KernelComm | undefined;
  private isClosed = false;

  constructor(spec: ModelSpec, state: WidgetState) {
    this.state = {
      _model_module: spec.modelModule,
      _model_name: spec.modelName,
      _model_module_version: spec.modelModuleVersion,
      _view_module: spec.viewModule,
      _view_name: spec.viewName,
      _view_module_version: spec.viewModuleVersion,
      _view_count: null,
      ...state,
    };
    const host = kernelHost();
    if (host !== undefined) {
      this.comm = host.comm.open(
        WIDGET_TARGET,
        { state: this.serialisedState(), buffer_paths: [] },
        { version: PROTOCOL_VERSION },
      );
      this.comm.onMsg((data, message) => this.receive(data, message.buffers));
      this.comm.onClose(() => this.closedByFrontend());
    }
    rememberWidget(this);
  }

  /** The model id: the comm id inside the kernel, a local id without one. */
  get modelId(): string {
    return this.comm?.commId ?? this.localId;
  }
  private readonly localId = `local-${Math.random().toString(16).slice(2)}`;

  /** True once closed, from either side; a closed widget no longer talks to the frontend. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** One synchronised attribute. */
  protected get<T>(name: string): T {
    return this.state[name] as T;
  }

  /** Changes attributes here and in every frontend showing the widget (an `update` message), then tells listeners. */
  protected set(changes: WidgetState): void {
    const changed = this.apply(changes);
    if (Object.keys(changed).length === 0) return;
    this.send({ method: "update", state: serialise(changed), buffer_paths: [] });
    this.notify(changed);
  }

  /** Registers a listener for changes of any attribute; returns a function that removes it again. */
  protected listen(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The complete state as the protocol sends it: child widgets become `IPY_MODEL_<id>` references. */
  serialisedState(): WidgetState {
    return serialise(this.state);
  }

  /**
   * Closes the widget: its comm closes and every view of it disappears from the notebook (as ipywidgets' close()).
   * Closing twice does nothing.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    forgetWidget(this);
    this.comm?.close();
  }

  /** The widget as a cell output: JupyterLab's widget manager draws it; other frontends show the text. */
  [JUPYTER_DISPLAY](): MimeBundle | Promise<MimeBundle> {
    return {
      "text/plain": this.toString(),
      [WIDGET_VIEW_MIME]: { model_id: this.modelId, version_major: 2, version_minor: 0 },
    };
  }

  toString(): string {
    return `${String(this.state._model_name).replace(/Model$/, "")}(${this.describe()})`;
  }

  /** The attributes the text form names, e.g. `value=3`. */
  protected describe(): string {
    return "value" in this.state ? `value=${JSON.stringify(this.state.value)}` : "";
  }

  /** Handles one message from the frontend: `update` (echoed back first, as protocol 2.1 asks), `request_state`. */
  private receive(data: Record<string, unknown>, buffers: Buffer[]): void {
    if (this.isClosed) return;
    if (data.method === "request_state") {
      this.send({ method: "update", state: this.serialisedState(), buffer_paths: [] });
    } else if (data.method === "update" && isRecord(data.state)) {
      const incoming = withBuffers(data.state, data.buffer_paths, buffers);
      // Echo first, with this message as parent: the frontend that sent it matches the echo to its own update and
      // other frontends showing the same widget catch up.
      this.send({ method: "echo_update", state: serialise(incoming), buffer_paths: [] });
      const changed = this.apply(incoming);
      if (Object.keys(changed).length > 0) this.notify(changed);
    }
  }

  private apply(changes: WidgetState): WidgetState {
    const changed: WidgetState = {};
    for (const [name, value] of Object.entries(changes)) {
      if (name.startsWith("_model_") || name.startsWith("_view_module") || name === "_view_name") continue;
      if (sameValue(this.state[name], value)) continue;
      // A reference sent back for a child widget is that same child: keep the object.
      if (typeof value === "string" && value.startsWith("IPY_MODEL_") && this.state[name] instanceof Widget) continue;
      this.state[name] = value;
      changed[name] = value;
    }
    return changed;
  }

  private notify(changed: WidgetState): void {
    for (const listener of [...this.listeners]) listener(changed, this);
  }

  private send(data: Record<string, unknown>): void {
    if (this.isClosed || this.comm === undefined || this.comm.closed) return;
    this.comm.send(data);
  }

  private closedByFrontend(): void {
    this.isClosed = true;
    forgetWidget(this);
  }
}

/** A state value whose frontend form is a reference: widgets become `IPY_MODEL_<id>`, in arrays too. */
function serialiseValue(value: unknown): unknown {
  if (value instanceof Widget) return `IPY_MODEL_${value.modelId}`;
  if (Array.isArray(value)) return value.map(serialiseValue);
  return value;
}

function serialise(state: WidgetState): WidgetState {
  const out: WidgetState = {};
  for (const [name, value] of Object.entries(state)) out[name] = serialiseValue(value);
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Puts binary buffers back where `buffer_paths` says they were cut out (protocol 2). */
function withBuffers(state: Record<string, unknown>, paths: unknown, buffers: Buffer[]): WidgetState {
  if (!Array.isArray(paths) || paths.length === 0) return { ...state };
  const copy: WidgetState = structuredClone(state);
  paths.forEach((path, index) => {
    if (!Array.isArray(path) || path.length === 0 || buffers[index] === undefined) return;
    let target: Record<string | number, unknown> = copy;
    for (const key of path.slice(0, -1)) target = target[key as string] as Record<string | number, unknown>;
    target[path[path.length - 1] as string] = buffers[index];
  });
  return copy;
}

/** Equal as the frontend sees them: a child widget equals its `IPY_MODEL_` reference. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" && typeof b !== "object") return false;
  return JSON.stringify(serialiseValue(a)) === JSON.stringify(serialiseValue(b));
}
