import { CONTROLS_MODULE, DOMWidget, ValueWidget, type ControlOptions } from "./domWidget";

/** Options of {@link Text}. */
export interface TextOptions extends ControlOptions {
  value?: string;
  placeholder?: string;
  /** Send each keystroke (true) or only on Enter and when the field loses focus (false, the default). */
  continuousUpdate?: boolean;
}

/**
 * A one-line text field (ipywidgets' Text).
 *
 * @example
 * ```ts
 * const numbers = new Text({ value: "0 -1 0, -1 4 -1, 0 -1 0", description: "kernel" });
 * ```
 */
export class Text extends ValueWidget<string> {
  constructor(options: TextOptions = {}) {
    super(
      CONTROLS_MODULE,
      "Text",
      {
        value: options.value ?? "",
        placeholder: options.placeholder ?? "\u200b",
        continuous_update: options.continuousUpdate ?? false,
      },
      "TextStyleModel",
      options,
    );
  }

  get value(): string {
    return this.get<string>("value");
  }
  set value(value: string) {
    this.set({ value: String(value) });
  }
}

/**
 * A piece of HTML that code can change (ipywidgets' HTML): a formula, a caption, a small table.
 *
 * @example
 * ```ts
 * const formula = new HTML("<b>n<sub>out</sub></b> = ⌊(n + 2p − k) / s⌋ + 1");
 * ```
 */
export class HTML extends DOMWidget {
  constructor(value = "", options: ControlOptions = {}) {
    super(CONTROLS_MODULE, "HTML", { value, placeholder: "\u200b" }, "HTMLStyleModel", options);
  }

  get value(): string {
    return this.get<string>("value");
  }
  set value(value: string) {
    this.set({ value });
  }
}
