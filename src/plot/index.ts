/**
 * Plots: plotly.js figures (line, scatter, bar, histogram, heatmap, confusion matrix, subplots, live figures) that
 * display in a notebook without internet access.
 *
 * @packageDocumentation
 */
export { Figure } from "./figure";
export { linePlot, scatterPlot, barPlot, histogramPlot } from "./charts";
export type { LineSeries, LinePlotOptions, ScatterSeries, BarPlotOptions, HistogramPlotOptions } from "./charts";
export { heatmapPlot } from "./heatmap";
export type { HeatmapPlotOptions } from "./heatmap";
export { confusionMatrixPlot } from "./confusionMatrix";
export type { ConfusionMatrixOptions } from "./confusionMatrix";
export { subplots } from "./subplots";
export type { SubplotsOptions } from "./subplots";
export { liveFigure, LiveFigure } from "./liveFigure";
export { embedPlotlyAgain } from "./plotlyScript";
export type { PlotOptions } from "./layout";
export type { Numbers } from "./values";
