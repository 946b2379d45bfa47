import { kernelHost, type KernelComm } from "../contract";
import type { Widget } from "./widget";

/**
 * The live widgets of this kernel, and the `jupyter.widget.control` comm target: a frontend that opens a notebook
 * whose kernel already runs (a reload, a second browser tab) asks for every widget's state in one message
 * (`request_states`) instead of one per widget.
 */
const live = new Map<string, Widget>();
/** Hosts that have the control target (one per kernel process; tests install several). */
const hostsWithControl = new WeakSet<object>();

export const CONTROL_TARGET = "jupyter.widget.control";

/** Called by each new widget. */
export function rememberWidget(widget: Widget): void {
  live.set(widget.modelId, widget);
  registerControlTarget();
}

/** Called when a widget closes. */
export function forgetWidget(widget: Widget): void {
  live.delete(widget.modelId);
}

/** The widgets not yet closed (in creation order). */
export function liveWidgets(): Widget[] {
  return [...live.values()];
}

function registerControlTarget(): void {
  const host = kernelHost();
  if (host === undefined || hostsWithControl.has(host)) return;
  hostsWithControl.add(host);
  host.comm.registerTarget(CONTROL_TARGET, (comm: KernelComm) => {
    comm.onMsg((data) => {
      if (data.method !== "request_states") return;
      const states: Record<string, unknown> = {};
      for (const widget of live.values()) {
        const state = widget.serialisedState();
        states[widget.modelId] = {
          model_name: state._model_name,
          model_module: state._model_module,
          model_module_version: state._model_module_version,
          state,
        };
      }
      comm.send({ method: "update_states", states, buffer_paths: [] });
    });
  });
}
