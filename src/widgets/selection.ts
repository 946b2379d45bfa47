import { CONTROLS_MODULE, ValueWidget, type ControlOptions } from "./domWidget";

/** One choice: a label that is also the value, or a `[label, value]` pair. */
export type SelectionOption<T> = string | readonly [string, T];

/** Options of {@link Dropdown} and {@link ToggleButtons}. */
export interface SelectionOptions<T> extends ControlOptions {
  options: readonly SelectionOption<T>[];
  /** The value chosen at first (default: the first option). */
  value?: T;
}

/**
 * Choosing one of several options. The frontend knows the labels and the chosen index; the values (any JavaScript
 * object: a kernel tensor, a function) stay in the kernel.
 */
abstract class Selection<T> extends ValueWidget<T> {
  private readonly labels: string[];
  private readonly values: T[];

  constructor(
    name: "Dropdown" | "ToggleButtons",
    styleModel: string,
    extra: Record<string, unknown>,
    options: SelectionOptions<T>,
  ) {
    if (!Array.isArray(options.options) || options.options.length === 0) {
      throw new Error(
        `${name}: give at least one option, e.g. { options: ["relu", "sigmoid"] } or [["ReLU", tf.relu], ...]`,
      );
    }
    const labels = options.options.map((option) => (typeof option === "string" ? option : option[0]));
    const values = options.options.map((option) => (typeof option === "string" ? option : option[1]) as T);
    let index = 0;
    if (options.value !== undefined) {
      index = values.indexOf(options.value);
      if (index < 0)
        throw new Error(`${name}: value ${String(options.value)} is not one of the options (${labels.join(", ")})`);
    }
    super(CONTROLS_MODULE, name, { _options_labels: labels, index, ...extra }, styleModel, options);
    this.labels = labels;
    this.values = values;
  }

  get value(): T {
    return this.values[this.index];
  }
  set value(value: T) {
    const index = this.values.indexOf(value);
    if (index < 0) throw new Error(`${String(value)} is not one of the options (${this.labels.join(", ")})`);
    this.set({ index });
  }

  /** The label of the chosen option. */
  get label(): string {
    return this.labels[this.index];
  }

  /** Position of the chosen option in `options`. */
  get index(): number {
    const index = this.get<number | null>("index");
    return index === null || index < 0 || index >= this.values.length ? 0 : index;
  }

  protected override valueAttributes(): string[] {
    return ["index"];
  }

  protected override describe(): string {
    return `value=${JSON.stringify(this.label)}`;
  }
}

/**
 * A drop-down list (ipywidgets' Dropdown).
 *
 * @example
 * ```ts
 * const activation = new Dropdown({ options: ["relu", "sigmoid", "tanh"], description: "activation" });
 * ```
 */
export class Dropdown<T = string> extends Selection<T> {
  constructor(options: SelectionOptions<T>) {
    super("Dropdown", "DescriptionStyleModel", {}, options);
  }
}

/**
 * A row of buttons of which one is pressed (ipywidgets' ToggleButtons).
 *
 * @example
 * ```ts
 * const padding = new ToggleButtons({ options: ["valid", "same"], description: "padding" });
 * ```
 */
export class ToggleButtons<T = string> extends Selection<T> {
  constructor(options: SelectionOptions<T>) {
    super("ToggleButtons", "ToggleButtonsStyleModel", { button_style: "", icons: [], tooltips: [] }, options);
  }
}
