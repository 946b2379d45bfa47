import { randomUUID } from "crypto";
import { displayWithoutKernel } from "./fallback";
import { kernelHost } from "../contract";

/** One output in the notebook that can be replaced in place. */
export interface DisplayHandle {
  /** The Jupyter display_id of this output. */
  readonly id: string;
  /** Replaces the output with `value` (update_display_data); in plain Node, shows `value` again. */
  update(value: unknown): void;
}

/**
 * Shows `value` as a cell output now, not only as the cell's last value. Inside the cnnlab kernel the kernel formats
 * it (through `Symbol.for("Jupyter.display")` when the value has it); in a plain Node process the text is printed
 * and a picture is written to a file whose path is printed.
 *
 * @param value - anything: a tensor, a model, a Figure, a table, a string...
 * @param options - `id` names the output so it can be updated later; `update: true` replaces the output with
 *   that id instead of adding a new one.
 * @returns a handle whose `update(newValue)` replaces this output in place.
 *
 * @example
 * ```ts
 * const out = display(show(images));
 * out.update(show(otherImages));
 * ```
 */
export function display(value: unknown, options: { id?: string; update?: boolean } = {}): DisplayHandle {
  const id = options.id ?? randomUUID();
  send(value, id, options.update === true);
  return {
    id,
    update(newValue: unknown): void {
      send(newValue, id, true);
    },
  };
}

function send(value: unknown, id: string, update: boolean): void {
  const host = kernelHost();
  if (host !== undefined) {
    host.display(value, { id, update });
  } else {
    displayWithoutKernel(value, id);
  }
}
