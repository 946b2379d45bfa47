/**
 * Introspection: feature maps, filters, gradient norms per layer and receptive fields (analytic and measured).
 * @packageDocumentation
 */
export { activations, Activations, LayerActivation } from "./activations";
export { filters } from "./filters";
export { gradientNorms, GradientNorms, GradientNorm } from "./gradientNorms";
export { receptiveField, ReceptiveField, ReceptiveFieldOptions } from "./receptiveField";
