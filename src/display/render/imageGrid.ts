import { createCanvas, CanvasRenderingContext2D } from "canvas";
import { colormapTable, ColormapName, NAN_COLOR, TABLE_SIZE } from "./colormap";
import { Raster } from "./sampling";
import { formatNumber } from "./statistics";

/** One picture in a grid. */
export interface GridTile {
  /** 1 channel: values mapped through the grid's colour map; 3 channels: red, green, blue. */
  raster: Raster;
  /** The values drawn at the bottom and at the top of the map (per channel for RGB). */
  range: readonly [number, number];
  /** Text under the tile, e.g. "7 (true 1)". */
  label?: string;
  /** CSS colour of the label, e.g. green when a prediction is right, red when wrong. */
  labelColor?: string;
}

/** How the grid is laid out and coloured. */
export interface GridLayout {
  /** Tiles per row. */
  columns: number;
  /** Screen pixels per value: nearest-neighbour upscaling so a 5×5 kernel is visible. */
  scale: number;
  title?: string;
  /** Colour map of single-channel tiles. */
  colormap: ColormapName;
  /** Draw a colour bar for this value range (when all tiles share one range). */
  colorbar?: readonly [number, number];
  /** A line under the grid, e.g. "showing 64 of 1000 images". */
  note?: string;
}

/** Where a tile landed on the picture, in pixels. */
export interface TileBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A rendered picture and its geometry (tests and callers can find each tile's pixels). */
export interface RenderedImage {
  png: Buffer;
  width: number;
  height: number;
  tiles: TileBox[];
  /** Where the colour bar's ramp is, when there is one (top = top of range). */
  colorbar?: TileBox;
}

const MARGIN = 6;
const GAP = 6;
const TITLE_HEIGHT = 22;
const LABEL_HEIGHT = 16;
const NOTE_HEIGHT = 16;
const COLORBAR_WIDTH = 14;
const COLORBAR_TEXT_WIDTH = 64;
const COLORBAR_MIN_HEIGHT = 80;
const FONT = "DejaVu Sans, Liberation Sans, sans-serif";
const TITLE_FONT = `bold 13px ${FONT}`;
const TITLE_LINE_HEIGHT = 16;
const TITLE_MIN_WIDTH = 360;

/**
 * Draws tiles in a grid into a PNG: pure data in, bytes out. Tiles of one grid share a size (the largest tile's);
 * smaller tiles sit in the top-left of their cell.
 */
export function renderImageGrid(tiles: readonly GridTile[], layout: GridLayout): RenderedImage {
  const scale = Math.max(1, Math.floor(layout.scale));
  const columns = Math.max(1, Math.min(Math.floor(layout.columns), Math.max(1, tiles.length)));
  const rows = Math.max(1, Math.ceil(tiles.length / columns));
  const cellWidth = Math.max(1, ...tiles.map((t) => t.raster.width)) * scale;
  const cellHeight = Math.max(1, ...tiles.map((t) => t.raster.height)) * scale;
  const hasLabels = tiles.some((t) => t.label !== undefined && t.label !== "");
  const rowHeight = cellHeight + (hasLabels ? LABEL_HEIGHT : 0);
  const gridWidth = columns * cellWidth + (columns - 1) * GAP;
  const gridHeight = rows * rowHeight + (rows - 1) * GAP;
  const colorbarSpace = layout.colorbar ? GAP * 2 + COLORBAR_WIDTH + COLORBAR_TEXT_WIDTH : 0;
  const colorbarHeight = layout.colorbar ? Math.max(COLORBAR_MIN_HEIGHT, Math.min(gridHeight, 240)) : 0;
  const noteHeight = layout.note ? NOTE_HEIGHT : 0;
  // A title is shown whole: as wide as the picture, at least TITLE_MIN_WIDTH, wrapped onto more lines where longer.
  const contentWidth = MARGIN * 2 + gridWidth + colorbarSpace;
  const measure = createCanvas(1, 1).getContext("2d");
  measure.font = TITLE_FONT;
  const titleWidth = layout.title ? Math.ceil(measure.measureText(layout.title).width) + 2 * MARGIN : 0;
  const width = Math.max(contentWidth, Math.min(titleWidth, Math.max(contentWidth, TITLE_MIN_WIDTH)));
  const titleLines = layout.title ? wrapText(measure, layout.title, width - 2 * MARGIN) : [];
  const titleHeight = titleLines.length === 0 ? 0 : TITLE_HEIGHT + (titleLines.length - 1) * TITLE_LINE_HEIGHT;
  const height = MARGIN * 2 + titleHeight + Math.max(gridHeight, colorbarHeight) + noteHeight;

  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  const image = context.createImageData(width, height);
  image.data.fill(255);

  const boxes: TileBox[] = [];
  tiles.forEach((tile, index) => {
    const x = MARGIN + (index % columns) * (cellWidth + GAP);
    const y = MARGIN + titleHeight + Math.floor(index / columns) * (rowHeight + GAP);
    const box = { x, y, width: tile.raster.width * scale, height: tile.raster.height * scale };
    paintTile(image.data, width, box, tile, scale, layout.colormap);
    boxes.push(box);
  });

  let colorbar: TileBox | undefined;
  if (layout.colorbar) {
    colorbar = {
      x: MARGIN + gridWidth + GAP * 2,
      y: MARGIN + titleHeight,
      width: COLORBAR_WIDTH,
      height: colorbarHeight,
    };
    paintColorbar(image.data, width, colorbar, layout.colormap);
  }
  context.putImageData(image, 0, 0);

  context.textBaseline = "middle";
  if (layout.title) {
    context.fillStyle = "#222";
    context.font = TITLE_FONT;
    titleLines.forEach((line, i) =>
      context.fillText(line, MARGIN, MARGIN + TITLE_HEIGHT / 2 - 2 + i * TITLE_LINE_HEIGHT),
    );
  }
  if (hasLabels) {
    context.font = `11px ${FONT}`;
    tiles.forEach((tile, index) => {
      if (!tile.label) return;
      const box = boxes[index];
      context.fillStyle = tile.labelColor ?? "#222";
      context.fillText(fit(context, tile.label, cellWidth + GAP - 2), box.x, box.y + cellHeight + LABEL_HEIGHT / 2);
    });
  }
  if (tiles.length > 1) {
    // A hairline frame tells where one small tile ends and the next begins.
    context.strokeStyle = "#bbb";
    context.lineWidth = 1;
    for (const box of boxes) context.strokeRect(box.x - 0.5, box.y - 0.5, box.width + 1, box.height + 1);
  }
  if (colorbar && layout.colorbar) {
    drawColorbarText(context, colorbar, layout.colorbar, layout.colormap);
  }
  if (layout.note) {
    context.fillStyle = "#555";
    context.font = `11px ${FONT}`;
    context.fillText(fit(context, layout.note, width - 2 * MARGIN), MARGIN, height - MARGIN - NOTE_HEIGHT / 2 + 2);
  }

  const png = canvas.toBuffer("image/png", { compressionLevel: 9 });
  return { png, width, height, tiles: boxes, colorbar };
}

/** Position of `value` in `range` as 0..1 (NaN stays NaN; infinities clamp to the ends). */
function normalise(value: number, low: number, high: number): number {
  if (Number.isNaN(value)) return NaN;
  if (high <= low) return value > high ? 1 : value < low ? 0 : 0.5;
  const t = (value - low) / (high - low);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

function paintTile(
  pixels: Uint8ClampedArray,
  imageWidth: number,
  box: TileBox,
  tile: GridTile,
  scale: number,
  colormap: ColormapName,
): void {
  const { height, width, channels, values } = tile.raster;
  const [low, high] = tile.range;
  const table = colormapTable(colormap);
  const rgb = [0, 0, 0];
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const at = (r * width + c) * channels;
      if (channels >= 3) {
        for (let k = 0; k < 3; k++) {
          const t = normalise(values[at + k], low, high);
          rgb[k] = Number.isNaN(t) ? NAN_COLOR[k] : Math.round(t * 255);
        }
      } else {
        const t = normalise(values[at], low, high);
        if (Number.isNaN(t)) {
          rgb[0] = NAN_COLOR[0];
          rgb[1] = NAN_COLOR[1];
          rgb[2] = NAN_COLOR[2];
        } else {
          const entry = Math.round(t * (TABLE_SIZE - 1)) * 3;
          rgb[0] = table[entry];
          rgb[1] = table[entry + 1];
          rgb[2] = table[entry + 2];
        }
      }
      fillBlock(pixels, imageWidth, box.x + c * scale, box.y + r * scale, scale, rgb);
    }
  }
}

function fillBlock(pixels: Uint8ClampedArray, imageWidth: number, x: number, y: number, size: number, rgb: number[]) {
  for (let dy = 0; dy < size; dy++) {
    let offset = ((y + dy) * imageWidth + x) * 4;
    for (let dx = 0; dx < size; dx++) {
      pixels[offset] = rgb[0];
      pixels[offset + 1] = rgb[1];
      pixels[offset + 2] = rgb[2];
      pixels[offset + 3] = 255;
      offset += 4;
    }
  }
}

function paintColorbar(pixels: Uint8ClampedArray, imageWidth: number, box: TileBox, colormap: ColormapName): void {
  const table = colormapTable(colormap);
  for (let dy = 0; dy < box.height; dy++) {
    // Top row is the top of the range.
    const t = box.height === 1 ? 1 : 1 - dy / (box.height - 1);
    const entry = Math.round(t * (TABLE_SIZE - 1)) * 3;
    const rgb = [table[entry], table[entry + 1], table[entry + 2]];
    for (let dx = 0; dx < box.width; dx++) {
      const offset = ((box.y + dy) * imageWidth + box.x + dx) * 4;
      pixels[offset] = rgb[0];
      pixels[offset + 1] = rgb[1];
      pixels[offset + 2] = rgb[2];
      pixels[offset + 3] = 255;
    }
  }
}

function drawColorbarText(
  context: CanvasRenderingContext2D,
  box: TileBox,
  range: readonly [number, number],
  colormap: ColormapName,
): void {
  context.strokeStyle = "#888";
  context.lineWidth = 1;
  context.strokeRect(box.x - 0.5, box.y - 0.5, box.width + 1, box.height + 1);
  context.fillStyle = "#222";
  context.font = `10px ${FONT}`;
  const x = box.x + box.width + 4;
  const [low, high] = range;
  context.fillText(formatNumber(high, 3), x, box.y + 5);
  context.fillText(formatNumber(low, 3), x, box.y + box.height - 5);
  if (colormap === "diverging" && low < 0 && high > 0) {
    const y = box.y + Math.round((high / (high - low)) * (box.height - 1));
    context.fillText("0", x, y);
  }
}

/** `text` broken at spaces into lines of at most `maxWidth` pixels (a word longer than that gets a line of its own). */
function wrapText(context: CanvasRenderingContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((part) => part !== "")) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (line !== "" && context.measureText(candidate).width > maxWidth) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** `text` shortened with an ellipsis to fit `maxWidth` pixels. */
function fit(context: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (context.measureText(text).width <= maxWidth) return text;
  let end = text.length;
  while (end > 0 && context.measureText(text.slice(0, end) + "…").width > maxWidth) end--;
  return end === 0 ? "" : text.slice(0, end) + "…";
}
