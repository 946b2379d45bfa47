/**
 * cnnlab — see, build, train and look inside convolutional networks from a TypeScript notebook.
 *
 * This file is the only public entry point: `import { ... } from "cnnlab"`. Each area re-exports its own public
 * API from its folder's index.ts; internal helpers are not exported.
 *
 * @packageDocumentation
 */

/** The library version, read from package.json. */
export const version: string = require("../../package.json").version;
export * from "./engine";
export { fastMode, dataDirectory } from "./settings";
export * from "./display";
export * from "./data";
export * from "./models";
export * from "./plot";
export * from "./inspect";
export * from "./train";
export * from "./widgets";
