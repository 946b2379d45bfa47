import { CONTROLS_MODULE, ValueWidget, type ControlOptions } from "./domWidget";

/** Options of {@link IntSlider} and {@link FloatSlider}. */
export interface SliderOptions extends ControlOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  /** Send every position while dragging (default), or only where the drag ends. */
  continuousUpdate?: boolean;
  orientation?: "horizontal" | "vertical";
  /** d3-format of the number shown next to the slider: "d", ".2f", ".1e"... */
  readoutFormat?: string;
}

/** A slider for a number between `min` and `max`; values from anywhere are clamped into that range. */
abstract class Slider extends ValueWidget<number> {
  constructor(
    name: "IntSlider" | "FloatSlider",
    defaults: { max: number; step: number; readoutFormat: string },
    options: SliderOptions,
  ) {
    const min = options.min ?? 0;
    const max = options.max ?? defaults.max;
    if (!(min <= max)) throw new Error(`${name}: min (${min}) must not be above max (${max})`);
    const step = options.step ?? defaults.step;
    if (!(step > 0)) throw new Error(`${name}: step must be positive (got ${step})`);
    super(
      CONTROLS_MODULE,
      name,
      {
        value: Math.min(Math.max(options.value ?? min, min), max),
        min,
        max,
        step,
        behavior: "drag-tap",
        continuous_update: options.continuousUpdate ?? true,
        orientation: options.orientation ?? "horizontal",
        readout: true,
        readout_format: options.readoutFormat ?? defaults.readoutFormat,
      },
      "SliderStyleModel",
      options,
    );
  }

  get value(): number {
    return this.get<number>("value");
  }
  set value(value: number) {
    this.set({ value: this.clamp(value) });
  }

  get min(): number {
    return this.get<number>("min");
  }
  get max(): number {
    return this.get<number>("max");
  }

  /** Changes the range; the value is clamped into it. */
  setRange(min: number, max: number): void {
    if (!(min <= max)) throw new Error(`slider: min (${min}) must not be above max (${max})`);
    this.set({ min, max, value: Math.min(Math.max(this.value, min), max) });
  }

  protected clamp(value: number): number {
    if (typeof value !== "number" || Number.isNaN(value))
      throw new Error(`slider value must be a number (got ${String(value)})`);
    return Math.min(Math.max(value, this.min), this.max);
  }
}

/**
 * A slider for whole numbers (ipywidgets' IntSlider).
 *
 * @example
 * ```ts
 * const stride = new IntSlider({ value: 1, min: 1, max: 3, description: "stride" });
 * ```
 */
export class IntSlider extends Slider {
  constructor(options: SliderOptions = {}) {
    super("IntSlider", { max: 100, step: 1, readoutFormat: "d" }, options);
  }
  protected override clamp(value: number): number {
    return Math.round(super.clamp(value));
  }
}

/**
 * A slider for real numbers (ipywidgets' FloatSlider).
 *
 * @example
 * ```ts
 * const scale = new FloatSlider({ value: 1, min: 0.1, max: 10, step: 0.1, description: "input scale" });
 * ```
 */
export class FloatSlider extends Slider {
  constructor(options: SliderOptions = {}) {
    super("FloatSlider", { max: 100, step: 0.1, readoutFormat: ".2f" }, options);
  }
}
