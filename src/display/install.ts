import { Tensor } from "@tensorflow/tfjs-core";
import { LayersModel } from "@tensorflow/tfjs-layers";
import { mimeBundle } from "./bundle";
import { modelBundle } from "./modelDisplay";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";
import { tensorViewForDisplay } from "./tensorView";

function define(prototype: object, method: (this: never) => MimeBundle): void {
  Object.defineProperty(prototype, JUPYTER_DISPLAY, {
    value: method,
    configurable: true,
    writable: true,
    enumerable: false,
  });
}

/**
 * Teaches tfjs's tensors and models to display themselves (a tensor as a picture plus statistics, a model as a
 * layer table) when they are a cell's value. Runs no tensor operation, so importing cnnlab leaves tfjs's backend
 * choice alone. Safe to call more than once.
 */
export function installDisplayMethods(): void {
  define(Tensor.prototype, function (this: Tensor): MimeBundle {
    const view = tensorViewForDisplay(this);
    return typeof view === "string" ? mimeBundle({ text: view }) : view[JUPYTER_DISPLAY]();
  });
  define(LayersModel.prototype, function (this: LayersModel): MimeBundle {
    return modelBundle(this);
  });
}
