import { escapeHtml } from "./html";

/** One line of a {@link lineChartSvg}. */
export interface ChartSeries {
  name: string;
  color: string;
  points: [number, number][];
  /** Draw dots at the points (for per-epoch values). */
  markers?: boolean;
  dashed?: boolean;
}

/** Options of {@link lineChartSvg}. */
export interface LineChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Fixed y range; default from the data. */
  yRange?: [number, number];
  /** Logarithmic x axis (for parameter counts). */
  logX?: boolean;
  /** Start the x axis at this value at the latest (0 for epochs). */
  xFrom?: number;
  /** End the x axis at this value at the earliest (the number of epochs a run will train). */
  xTo?: number;
  /** Text in the empty plot area while no series has a point yet, e.g. "waiting for the first batch…". */
  placeholder?: string;
}

const MAX_POINTS = 400;
const FONT = 'font-family="DejaVu Sans, sans-serif" font-size="11"';
const LEGEND_ROW = 14;
/** Rough width of one character of FONT, to lay legend entries side by side without measuring. */
const CHARACTER_WIDTH = 6.5;

/**
 * A line chart as inline SVG: no script, so it renders in untrusted notebook outputs and in exported HTML, and it
 * can be replaced in place many times a second without reloading a plotting library.
 */
export function lineChartSvg(series: ChartSeries[], options: LineChartOptions = {}): string {
  const width = options.width ?? 360;
  const left = 48;
  const right = 10;
  const bottom = 34;
  const plotWidth = width - left - right;
  // The legend is a row (or more) above the plot area, never over the curves.
  const legend = series.length > 1 ? legendLayout(series, left, plotWidth) : [];
  const legendRows = legend.length ? Math.max(...legend.map((entry) => entry.row)) + 1 : 0;
  const legendTop = options.title ? 22 : 4;
  const top = legendRows ? legendTop + legendRows * LEGEND_ROW + 4 : options.title ? 22 : 10;
  // The legend's rows are added to the height, so the plot area keeps its size.
  const height = options.height ?? 220 + legendRows * LEGEND_ROW;
  const plotHeight = height - top - bottom;
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const fx = (x: number) => (options.logX ? Math.log10(Math.max(x, 1e-12)) : x);
  let [x0, x1] = all.length ? [Math.min(...all.map((p) => fx(p[0]))), Math.max(...all.map((p) => fx(p[0])))] : [0, 1];
  let [y0, y1] =
    options.yRange ?? (all.length ? [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))] : [0, 1]);
  if (options.xFrom !== undefined) x0 = all.length ? Math.min(x0, fx(options.xFrom)) : fx(options.xFrom);
  if (options.xTo !== undefined) x1 = Math.max(all.length ? x1 : x0, fx(options.xTo));
  if (x1 - x0 < 1e-12) {
    x0 -= 0.5;
    x1 += 0.5;
  }
  if (y1 - y0 < 1e-12) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const pad = (y1 - y0) * 0.05;
  if (!options.yRange) {
    y0 -= pad;
    y1 += pad;
  }
  const sx = (x: number) => left + ((fx(x) - x0) / (x1 - x0)) * plotWidth;
  const sy = (y: number) => top + (1 - (y - y0) / (y1 - y0)) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="${left}" y="${top}" width="${plotWidth}" height="${plotHeight}" fill="#fff" stroke="#bbb"/>`,
  ];
  if (options.title) {
    parts.push(`<text x="${left}" y="15" ${FONT} font-weight="bold">${escapeHtml(options.title)}</text>`);
  }
  // Without data a y scale would be made up: only a given range has ticks then.
  const yTicks = all.length || options.yRange ? niceTicks(y0, y1) : [];
  for (const y of yTicks) {
    const py = sy(y).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${py}" y2="${py}" stroke="#eee"/>`);
    parts.push(
      `<text x="${left - 4}" y="${py}" ${FONT} text-anchor="end" dominant-baseline="middle">${tick(y)}</text>`,
    );
  }
  for (const xv of niceTicks(x0, x1, options.logX)) {
    const px = (left + ((xv - x0) / (x1 - x0)) * plotWidth).toFixed(1);
    parts.push(
      `<text x="${px}" y="${top + plotHeight + 13}" ${FONT} text-anchor="middle">` +
        `${tick(options.logX ? 10 ** xv : xv)}</text>`,
    );
  }
  if (options.xLabel) {
    parts.push(
      `<text x="${left + plotWidth / 2}" y="${height - 3}" ${FONT} text-anchor="middle">${escapeHtml(options.xLabel)}</text>`,
    );
  }
  if (options.yLabel) {
    parts.push(
      `<text x="11" y="${top + plotHeight / 2}" ${FONT} text-anchor="middle" ` +
        `transform="rotate(-90 11 ${top + plotHeight / 2})">${escapeHtml(options.yLabel)}</text>`,
    );
  }
  series.forEach((s) => {
    const points = thin(s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
    if (points.length === 0) return;
    const path = points.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join("");
    parts.push(
      `<path d="${path}" fill="none" stroke="${s.color}" stroke-width="1.6"` +
        `${s.dashed ? ' stroke-dasharray="4 3"' : ""}/>`,
    );
    if (s.markers || points.length === 1) {
      for (const [x, y] of points) {
        parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
      }
    }
  });
  legend.forEach((entry, index) => {
    const s = series[index];
    const ly = legendTop + entry.row * LEGEND_ROW + 10;
    parts.push(
      `<line x1="${entry.x}" x2="${entry.x + 14}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"` +
        `${s.dashed ? ' stroke-dasharray="4 3"' : ""}/>`,
    );
    parts.push(`<text x="${entry.x + 18}" y="${ly}" ${FONT}>${escapeHtml(s.name)}</text>`);
  });
  if (all.length === 0 && options.placeholder) {
    parts.push(
      `<text x="${left + plotWidth / 2}" y="${top + plotHeight / 2}" ${FONT} fill="#555" text-anchor="middle" ` +
        `dominant-baseline="middle">${escapeHtml(options.placeholder)}</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}

/** Where each series' legend entry goes: entries side by side from the plot's left edge, wrapping to more rows. */
function legendLayout(series: ChartSeries[], left: number, plotWidth: number): Array<{ x: number; row: number }> {
  const entries: Array<{ x: number; row: number }> = [];
  let x = left;
  let row = 0;
  for (const s of series) {
    const entryWidth = 18 + s.name.length * CHARACTER_WIDTH + 12;
    if (x > left && x + entryWidth > left + plotWidth) {
      row++;
      x = left;
    }
    entries.push({ x, row });
    x += entryWidth;
  }
  return entries;
}

/** A horizontal bar chart as inline SVG (class probabilities, per-class accuracy). */
export function barChartSvg(
  labels: readonly string[],
  values: readonly number[],
  options: {
    title?: string;
    highlight?: number;
    width?: number;
    max?: number;
    format?: (v: number) => string;
  } = {},
): string {
  const width = options.width ?? 360;
  const rowHeight = 18;
  const top = options.title ? 22 : 6;
  const labelWidth = Math.min(110, 8 + 7 * Math.max(1, ...labels.map((l) => l.length)));
  const barSpace = width - labelWidth - 56;
  const max = options.max ?? Math.max(1e-12, ...values);
  const format = options.format ?? ((v: number) => v.toFixed(3));
  const height = top + labels.length * rowHeight + 6;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
  ];
  if (options.title) parts.push(`<text x="4" y="15" ${FONT} font-weight="bold">${escapeHtml(options.title)}</text>`);
  labels.forEach((label, i) => {
    const y = top + i * rowHeight;
    const barWidth = Math.max(0, (values[i] / max) * barSpace);
    const color = i === options.highlight ? "#d62728" : "#1f77b4";
    parts.push(`<text x="${labelWidth - 4}" y="${y + 12}" ${FONT} text-anchor="end">${escapeHtml(label)}</text>`);
    parts.push(
      `<rect x="${labelWidth}" y="${y + 2}" width="${barWidth.toFixed(1)}" height="${rowHeight - 5}" fill="${color}"/>`,
    );
    parts.push(`<text x="${(labelWidth + barWidth + 4).toFixed(1)}" y="${y + 12}" ${FONT}>${format(values[i])}</text>`);
  });
  parts.push("</svg>");
  return parts.join("");
}

/** Round tick positions (1, 2 or 5 × a power of ten apart) inside [low, high]; whole decades on a log axis. */
function niceTicks(low: number, high: number, decades = false): number[] {
  const raw = (high - low) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = decades
    ? Math.max(1, Math.round(raw))
    : ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw);
  const ticks: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function thin(points: [number, number][]): [number, number][] {
  if (points.length <= MAX_POINTS) return points;
  const step = points.length / MAX_POINTS;
  const out: [number, number][] = [];
  for (let i = 0; i < MAX_POINTS; i++) out.push(points[Math.floor(i * step)]);
  out.push(points[points.length - 1]);
  return out;
}

function tick(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  if (a >= 100) return v.toFixed(0);
  return Number(v.toPrecision(3)).toString();
}
