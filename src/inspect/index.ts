/**
 * Introspection: feature maps, gradient norms per layer and receptive fields (analytic and measured).
 * @packageDocumentation
 */
export { activations, Activations } from "./activations";
export type { LayerActivation } from "./activations";
export { gradientNorms, GradientNorms } from "./gradientNorms";
export type { GradientNorm } from "./gradientNorms";
export { receptiveField, ReceptiveField } from "./receptiveField";
export type { ReceptiveFieldOptions } from "./receptiveField";
