/**
 * cnnlab's internal entry point, `"cnnlab/internal"`: every area's exports, plumbing included (the display and
 * kernel-host symbols, dataset download and IDX parsing, the native training step, the layer classes, widget base
 * classes). For tools, benchmarks and tests; it can change in any release. Notebooks use `"cnnlab"`.
 *
 * @packageDocumentation
 */
export { version } from "./index";
export * from "./contract";
export * from "./settings";
export * from "./engine";
export * from "./display";
export * from "./data";
export * from "./models";
export * from "./plot";
export * from "./inspect";
export * from "./train";
export * from "./widgets";
