/**
 * Jupyter widgets from TypeScript: sliders, selections, checkboxes, text, output areas and boxes that JupyterLab's
 * stock widget manager (`jupyterlab_widgets`) draws, speaking the widget protocol 2.1 over the kernel's comms; and
 * {@link interact}, which redraws an output when its controls change.
 *
 * @packageDocumentation
 */
export { Widget } from "./widget";
export { ValueWidget } from "./domWidget";
export type { ControlOptions, LayoutOptions } from "./domWidget";
export { IntSlider, FloatSlider } from "./slider";
export type { SliderOptions } from "./slider";
export { Dropdown, ToggleButtons } from "./selection";
export type { SelectionOptions, SelectionOption } from "./selection";
export { Checkbox } from "./checkbox";
export type { CheckboxOptions } from "./checkbox";
export { Text, HTML } from "./text";
export type { TextOptions } from "./text";
export { Output } from "./output";
export { HBox, VBox } from "./box";
export { interact, Interactive } from "./interact";
export type { Controls, ControlValues, InteractOptions } from "./interact";
