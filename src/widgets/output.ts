import { inspect } from "util";
import { isDisplayable, JUPYTER_DISPLAY, kernelHost, type FormattedOutput } from "../contract";
import { DOMWidget, OUTPUT_MODULE, type LayoutOptions } from "./domWidget";

/** One output in nbformat's shape, as the Output widget's `outputs` attribute holds it. */
export type NotebookOutput =
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/**
 * An output area inside a widget (ipywidgets' Output): it shows values exactly as a cell would. What it shows is
 * part of the widget's state, so a notebook saved with widget state, and its HTML export, keep the last view.
 */
export class Output extends DOMWidget {
  constructor(options: { layout?: LayoutOptions } = {}) {
    super(OUTPUT_MODULE, "Output", { msg_id: "", outputs: [] }, null, options);
  }

  /** What the area shows now. */
  get outputs(): readonly NotebookOutput[] {
    return this.get<NotebookOutput[]>("outputs");
  }

  /**
   * Replaces what the area shows with `value`, formatted as a cell's value would be. An array of displayable
   * objects (pictures, figures, tables) shows each of them, in order.
   */
  async show(value: unknown): Promise<void> {
    const values = Array.isArray(value) && value.length > 0 && value.every(isDisplayable) ? value : [value];
    const formatted = await Promise.all(values.map(formatValue));
    this.set({ outputs: formatted.map(({ data, metadata }) => ({ output_type: "display_data", data, metadata })) });
  }

  /** Replaces what the area shows with an error, as a failed cell shows it. */
  showError(error: unknown): void {
    const e = error instanceof Error ? error : new Error(String(error));
    this.set({
      outputs: [
        { output_type: "error", ename: e.name, evalue: e.message, traceback: [e.stack ?? `${e.name}: ${e.message}`] },
      ],
    });
  }

  /** Empties the area. */
  clear(): void {
    this.set({ outputs: [] });
  }

  protected override describe(): string {
    return `${this.outputs.length} output${this.outputs.length === 1 ? "" : "s"}`;
  }
}

/** The kernel's own formatting inside the kernel; without one, the display method or the inspected text. */
async function formatValue(value: unknown): Promise<FormattedOutput> {
  const host = kernelHost();
  if (host !== undefined) return host.format(value);
  if (isDisplayable(value)) return { data: { ...(await value[JUPYTER_DISPLAY]()) }, metadata: {} };
  return { data: { "text/plain": typeof value === "string" ? value : inspect(value) }, metadata: {} };
}
