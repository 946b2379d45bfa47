import type { LayersModel } from "@tensorflow/tfjs-layers";
import { isDisplayable, JUPYTER_DISPLAY, MimeBundle } from "../contract";
import { mimeBundle } from "./bundle";
import { Table, table } from "./table";
import { cellText } from "./render/table";
import { formatCount } from "./render/statistics";

/** Turns a model into what the notebook shows for it: a mimebundle or any displayable object (one whose
 *  `[Symbol.for("Jupyter.display")]()` returns a mimebundle with at least "text/plain"). */
export type ModelDisplay = (model: LayersModel) => MimeBundle | { [JUPYTER_DISPLAY](): Record<string, unknown> };

const builtInDisplay: ModelDisplay = (model) => layerTable(model);
let modelDisplay: ModelDisplay = builtInDisplay;

/**
 * Replaces how a model is shown when it is a cell's value (cnnlab registers `summary(model)` from its models
 * area). Pass undefined to restore the built-in layer table.
 *
 * @returns the display that was registered before, so a caller can put it back.
 */
export function registerModelDisplay(display: ModelDisplay | undefined): ModelDisplay {
  const previous = modelDisplay;
  modelDisplay = display ?? builtInDisplay;
  return previous;
}

/** The bundle for `model` from the registered display; falls back to the layer table if that one throws. */
export function modelBundle(model: LayersModel): MimeBundle {
  try {
    const shown = modelDisplay(model);
    const bundle = isDisplayable(shown) ? (shown[JUPYTER_DISPLAY]() as unknown) : shown;
    if (bundle === null || typeof bundle !== "object" || typeof (bundle as MimeBundle)["text/plain"] !== "string") {
      throw new TypeError("the registered model display must give a mimebundle with text/plain");
    }
    return bundle as MimeBundle;
  } catch (error) {
    try {
      return layerTable(model)[JUPYTER_DISPLAY]();
    } catch {
      return mimeBundle({ text: `${model.name ?? "model"} (cannot be summarised: ${(error as Error).message})` });
    }
  }
}

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    // Unbuilt layers throw on outputShape / countParams; the table shows a blank instead.
    return undefined;
  }
}

/** A model's layers as a table: name, type, output shape, parameter count, with totals in the title. */
export function layerTable(model: LayersModel): Table {
  const rows = model.layers.map((layer) => ({
    layer: layer.name,
    type: layer.getClassName(),
    "output shape": cellText(attempt(() => layer.outputShape)),
    params: attempt(() => layer.countParams()),
  }));
  const total = attempt(() => model.countParams());
  const trainable = attempt(() =>
    model.trainableWeights.reduce((sum, weight) => sum + weight.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0),
  );
  const title =
    `${model.name}: ${rows.length} layer${rows.length === 1 ? "" : "s"}` +
    (total !== undefined ? `, ${formatCount(total)} parameters` : "") +
    (trainable !== undefined && total !== undefined && trainable !== total
      ? ` (${formatCount(trainable)} trainable)`
      : "");
  return table(rows, { columns: ["layer", "type", "output shape", "params"], title });
}
