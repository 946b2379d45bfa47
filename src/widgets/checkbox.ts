import { CONTROLS_MODULE, ValueWidget, type ControlOptions } from "./domWidget";

/** Options of {@link Checkbox}. */
export interface CheckboxOptions extends ControlOptions {
  value?: boolean;
  /** Leave room for a description column so that the box lines up with the controls above it (default true). */
  indent?: boolean;
}

/**
 * A yes/no box (ipywidgets' Checkbox).
 *
 * @example
 * ```ts
 * const derivative = new Checkbox({ value: true, description: "show the derivative" });
 * ```
 */
export class Checkbox extends ValueWidget<boolean> {
  constructor(options: CheckboxOptions = {}) {
    super(
      CONTROLS_MODULE,
      "Checkbox",
      { value: options.value ?? false, indent: options.indent ?? true },
      "CheckboxStyleModel",
      options,
    );
  }

  get value(): boolean {
    return this.get<boolean>("value");
  }
  set value(value: boolean) {
    this.set({ value: Boolean(value) });
  }
}
