import { CONTROLS_MODULE, DOMWidget, type LayoutOptions } from "./domWidget";
import type { Widget } from "./widget";

/** Widgets side by side or one above the other (ipywidgets' HBox and VBox). */
abstract class Box extends DOMWidget {
  constructor(name: "HBox" | "VBox", children: readonly Widget[], layout?: LayoutOptions) {
    for (const child of children) {
      if (child === null || typeof child !== "object" || typeof child.modelId !== "string") {
        throw new Error(
          `${name}: every child must be a widget (an IntSlider, an Output, a box...), got ${String(child)}`,
        );
      }
    }
    super(CONTROLS_MODULE, name, { box_style: "", children: [...children] }, null, { layout });
  }

  /** The widgets inside, in order. */
  get children(): readonly Widget[] {
    return this.get<Widget[]>("children");
  }
  set children(children: readonly Widget[]) {
    this.set({ children: [...children] });
  }

  protected override describe(): string {
    return this.children.map(String).join(", ");
  }
}

/**
 * Widgets side by side.
 *
 * @example
 * ```ts
 * new HBox([stride, padding])
 * ```
 */
export class HBox extends Box {
  constructor(children: readonly Widget[], layout?: LayoutOptions) {
    super("HBox", children, layout);
  }
}

/** Widgets one above the other. */
export class VBox extends Box {
  constructor(children: readonly Widget[], layout?: LayoutOptions) {
    super("VBox", children, layout);
  }
}
