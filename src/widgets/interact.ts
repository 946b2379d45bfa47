import { JUPYTER_DISPLAY, type MimeBundle } from "../contract";
import { HBox, VBox } from "./box";
import type { ValueWidget } from "./domWidget";
import { drawInScope } from "./drawingScope";
import { Output } from "./output";

/** How long showing an explorer waits for its first drawing; a slower one appears when it is done. */
export const FIRST_DRAWING_WAIT_MS = 10_000;

/** Named controls, each with a value: sliders, drop-downs, toggle buttons, checkboxes, text fields. */
export type Controls = Record<string, ValueWidget<unknown>>;

/** The values of some {@link Controls}, under the same names. */
export type ControlValues<C extends Controls> = { [K in keyof C]: C[K]["value"] };

/** Options of {@link interact}. */
export interface InteractOptions {
  /**
   * Milliseconds without a further change before the output is drawn again (default 30). A dragged slider sends
   * many values; only the last one that arrived in a quiet moment is drawn, never a queue of stale ones.
   */
  debounceMs?: number;
  /** Controls one above the other (default) or side by side. */
  controls?: "vertical" | "horizontal";
  /**
   * Free the tensors each drawing makes, as `tf.tidy` does (default true; the drawing must then be synchronous).
   * Pass false for an async drawing and free its tensors yourself.
   */
  tidy?: boolean;
}

/**
 * Controls above an output that {@link interact} draws again whenever a control changes. It is a VBox: show it as a
 * cell's value, or put it into other boxes.
 */
export class Interactive<C extends Controls> extends VBox {
  /** Where the drawing appears. */
  readonly output: Output;
  /** Resolves when the most recent drawing is on the output (the first one right after `interact()` too). */
  rendered: Promise<void> = Promise.resolve();
  /** How often the output was drawn so far. */
  renderCount = 0;

  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private stale = false;
  private readonly removers: (() => void)[] = [];

  constructor(
    readonly controls: C,
    private readonly render: (values: ControlValues<C>) => unknown,
    private readonly options: InteractOptions = {},
  ) {
    const output = new Output();
    const widgets = Object.values(controls);
    super([options.controls === "horizontal" ? new HBox(widgets) : new VBox(widgets), output]);
    this.output = output;
    for (const control of widgets) this.removers.push(control.onChange(() => this.schedule()));
    this.draw();
  }

  /**
   * Shown as a cell's value once the first drawing is on the output (at most {@link FIRST_DRAWING_WAIT_MS} later), so
   * that the notebook saved after Run All, and a run without a frontend, hold the explorer's first view.
   */
  override async [JUPYTER_DISPLAY](): Promise<MimeBundle> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const patience = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FIRST_DRAWING_WAIT_MS);
      timer.unref?.();
    });
    await Promise.race([this.rendered, patience]);
    clearTimeout(timer);
    return super[JUPYTER_DISPLAY]();
  }

  /** The controls' current values, by name. */
  get values(): ControlValues<C> {
    const values: Record<string, unknown> = {};
    for (const [name, control] of Object.entries(this.controls)) values[name] = control.value;
    return values as ControlValues<C>;
  }

  /** Stops listening to the controls and closes the controls and the output. */
  override close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const remove of this.removers) remove();
    for (const control of Object.values(this.controls)) control.close();
    for (const child of this.children) child.close();
    super.close();
  }

  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, this.options.debounceMs ?? 30);
  }

  /** Draws with the values of now; a change during a drawing is drawn once that drawing is done. */
  private draw(): void {
    if (this.running) {
      this.stale = true;
      return;
    }
    this.running = true;
    this.rendered = (async () => {
      try {
        if (this.options.tidy === false) {
          await this.output.show(await this.render(this.values));
        } else {
          const drawing = drawInScope(() => this.render(this.values));
          try {
            await this.output.show(drawing.value);
          } finally {
            drawing.release();
          }
        }
      } catch (error) {
        this.output.showError(error);
      } finally {
        this.renderCount++;
        this.running = false;
      }
      if (this.stale && !this.closed) {
        this.stale = false;
        this.draw();
        await this.rendered;
      }
    })();
  }
}

/**
 * Shows controls and, under them, what `render` returns for their values; when a control changes, `render` runs again
 * and the output is replaced. `render` returns anything a cell can show (a picture, a figure, a table, text), an
 * array of pictures, figures and tables; an error it throws is shown in the output. The tensors a drawing makes
 * are freed after it, as in `tf.tidy`, so `render` must be synchronous; for an async one pass `{ tidy: false }`.
 *
 * @example
 * ```ts
 * const size = new IntSlider({ value: 3, min: 1, max: 9, description: "size" });
 * interact({ size }, ({ size }) => show(tf.ones([size, size])));
 * ```
 */
export function interact<C extends Controls>(
  controls: C,
  render: (values: ControlValues<C>) => unknown,
  options: InteractOptions = {},
): Interactive<C> {
  return new Interactive(controls, render, options);
}
