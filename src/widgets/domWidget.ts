import { Widget, type WidgetState } from "./widget";

/** ipywidgets 8's module versions, which the stock widget manager in JupyterLab 4 (`jupyterlab_widgets` 3) draws. */
export const BASE_MODULE = { module: "@jupyter-widgets/base", version: "2.0.0" } as const;
export const CONTROLS_MODULE = { module: "@jupyter-widgets/controls", version: "2.0.0" } as const;
export const OUTPUT_MODULE = { module: "@jupyter-widgets/output", version: "1.0.0" } as const;

/** CSS layout of a widget's outer box (ipywidgets' Layout). Sizes are CSS strings: "300px", "50%". */
export interface LayoutOptions {
  width?: string;
  height?: string;
  margin?: string;
  padding?: string;
  border?: string;
  justifyContent?: string;
  alignItems?: string;
  flexFlow?: string;
}

/** The Layout model every visible widget refers to. */
export class Layout extends Widget {
  constructor(options: LayoutOptions = {}) {
    const state: WidgetState = {};
    for (const [name, value] of Object.entries(options)) {
      if (name === "border") {
        for (const side of ["top", "right", "bottom", "left"]) state[`border_${side}`] = value;
      } else if (value !== undefined) {
        state[name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
      }
    }
    super(
      {
        modelModule: BASE_MODULE.module,
        modelName: "LayoutModel",
        modelModuleVersion: BASE_MODULE.version,
        viewModule: BASE_MODULE.module,
        viewName: "LayoutView",
        viewModuleVersion: BASE_MODULE.version,
      },
      state,
    );
  }

  protected override describe(): string {
    return "";
  }
}

/** A control's style model (description width and the like); `modelName` is e.g. "SliderStyleModel". */
export class Style extends Widget {
  constructor(modelName: string, state: WidgetState) {
    super(
      {
        modelModule: CONTROLS_MODULE.module,
        modelName,
        modelModuleVersion: CONTROLS_MODULE.version,
        viewModule: BASE_MODULE.module,
        viewName: "StyleView",
        viewModuleVersion: BASE_MODULE.version,
      },
      state,
    );
  }

  protected override describe(): string {
    return "";
  }
}

/** What every visible control accepts. */
export interface ControlOptions {
  /** The label left of the control. */
  description?: string;
  /** Shown on hover. */
  tooltip?: string;
  /** Greyed out and not editable. */
  disabled?: boolean;
  /** Width of the description column, e.g. "120px" (ipywidgets' `style.description_width`). */
  descriptionWidth?: string;
  layout?: LayoutOptions;
}

/** A widget with a view in the notebook: a layout, a style, and the common attributes. */
export class DOMWidget extends Widget {
  constructor(
    module: { module: string; version: string },
    name: string,
    state: WidgetState,
    styleModel: string | null,
    options: ControlOptions = {},
  ) {
    super(
      {
        modelModule: module.module,
        modelName: `${name}Model`,
        modelModuleVersion: module.version,
        viewModule: module.module,
        viewName: `${name}View`,
        viewModuleVersion: module.version,
      },
      {
        _dom_classes: [],
        layout: new Layout(options.layout),
        tabbable: null,
        // ipywidgets' default is null, which the frontend writes into title attributes as the word "null".
        tooltip: options.tooltip ?? "",
        // Controls (the widgets with a style model) have a description and can be disabled; boxes and outputs not.
        ...(styleModel === null
          ? {}
          : {
              style: new Style(styleModel, { description_width: options.descriptionWidth ?? "" }),
              description: options.description ?? "",
              description_allow_html: false,
              disabled: options.disabled ?? false,
            }),
        ...state,
      },
    );
  }

  /** The label left of the control. */
  get description(): string {
    return this.get<string>("description") ?? "";
  }
  set description(text: string) {
    this.set({ description: text });
  }

  /** Greyed out and not editable when true. */
  get disabled(): boolean {
    return this.get<boolean>("disabled") ?? false;
  }
  set disabled(disabled: boolean) {
    this.set({ disabled });
  }

  /** Closes the widget with its layout and style models. */
  override close(): void {
    if (this.closed) return;
    super.close();
    this.get<Widget>("layout")?.close();
    this.get<Widget | undefined>("style")?.close();
  }
}

/** A control with one value the user changes: sliders, selections, a checkbox, a text field. */
export abstract class ValueWidget<T> extends DOMWidget {
  /** The current value; setting it moves the control in every view. */
  abstract get value(): T;
  abstract set value(value: T);

  /** Attribute names whose change means the value changed. */
  protected valueAttributes(): string[] {
    return ["value"];
  }

  /**
   * Calls `listener` with the new value each time it changes, from the frontend or from code; returns a function
   * that removes the listener.
   */
  onChange(listener: (value: T) => void): () => void {
    const attributes = this.valueAttributes();
    return this.listen((changed) => {
      if (attributes.some((name) => name in changed)) listener(this.value);
    });
  }
}
