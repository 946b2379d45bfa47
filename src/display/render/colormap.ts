/**
 * Colour maps: value in [0, 1] -> RGB. Pure data, no canvas.
 *
 * - `grey`: black (0) to white (1), for images.
 * - `viridis`: perceptually uniform, readable in greyscale and by most colour-blind readers; for activations and
 *   other non-negative data.
 * - `diverging`: blue (negative) through white (0) to red (positive); used with a range symmetric around 0 so that
 *   0 is always the midpoint colour, for weights and gradients.
 */

export type ColormapName = "grey" | "viridis" | "diverging";

export type RGB = readonly [number, number, number];

/** The colour that marks NaN cells, chosen to appear in none of the maps. */
export const NAN_COLOR: RGB = [255, 0, 255];

// Anchor colours sampled at even steps of matplotlib's viridis; interpolating between them stays within a few
// levels of the full table.
const VIRIDIS_STOPS: RGB[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 73, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [110, 206, 88],
  [181, 222, 43],
  [253, 231, 37],
];

// A blue–white–red ramp with white exactly at the middle stop.
const DIVERGING_STOPS: RGB[] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [255, 255, 255],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

const GREY_STOPS: RGB[] = [
  [0, 0, 0],
  [255, 255, 255],
];

const STOPS: Record<ColormapName, RGB[]> = { grey: GREY_STOPS, viridis: VIRIDIS_STOPS, diverging: DIVERGING_STOPS };

/** Entries in a lookup table: odd, so that value 0.5 (zero under the diverging map) has an entry of its own. */
export const TABLE_SIZE = 257;

const tables = new Map<ColormapName, Uint8Array>();

/** An RGB lookup table for `name`: entry i is the colour of i / (TABLE_SIZE - 1); entry 128 is the midpoint. */
export function colormapTable(name: ColormapName): Uint8Array {
  let table = tables.get(name);
  if (table === undefined) {
    table = buildTable(STOPS[name]);
    tables.set(name, table);
  }
  return table;
}

function buildTable(stops: RGB[]): Uint8Array {
  const table = new Uint8Array(TABLE_SIZE * 3);
  for (let i = 0; i < TABLE_SIZE; i++) {
    const rgb = interpolate(stops, i / (TABLE_SIZE - 1));
    table.set(rgb, i * 3);
  }
  return table;
}

function interpolate(stops: RGB[], t: number): RGB {
  const position = t * (stops.length - 1);
  const low = Math.min(Math.floor(position), stops.length - 2);
  const fraction = position - low;
  const a = stops[low];
  const b = stops[low + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * fraction),
    Math.round(a[1] + (b[1] - a[1]) * fraction),
    Math.round(a[2] + (b[2] - a[2]) * fraction),
  ];
}

/** The colour of `t` in [0, 1] (clamped) under `name`. */
export function colorAt(name: ColormapName, t: number): RGB {
  if (Number.isNaN(t)) return NAN_COLOR;
  return interpolate(STOPS[name], Math.min(1, Math.max(0, t)));
}

/** The colour at the top of the map (value 1). */
export function topColor(name: ColormapName): RGB {
  const stops = STOPS[name];
  return stops[stops.length - 1];
}

/** The colour at the middle of the map (value 0.5), white for the diverging map. */
export function midpointColor(name: ColormapName): RGB {
  return interpolate(STOPS[name], 0.5);
}

/** A CSS colour string for `t` in [0, 1] under `name`. */
export function cssColor(name: ColormapName, t: number): string {
  const [r, g, b] = colorAt(name, t);
  return `rgb(${r},${g},${b})`;
}
