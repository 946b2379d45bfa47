import { mimeBundle } from "./bundle";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";
import { ColormapName } from "./render/colormap";
import { GridTile, renderImageGrid, RenderedImage } from "./render/imageGrid";
import { capSize } from "./render/sampling";

/** Options every picture-making function accepts. */
export interface ImageOptions {
  /** Colour map of single-channel data; "auto" picks diverging for signed data, else grey for images and viridis
   *  for other data. */
  colormap?: ColormapName | "auto";
  /** The values drawn at the bottom and top of the colour map; default from the data. */
  range?: [number, number];
  /** Screen pixels per value (nearest-neighbour upscaling); default makes small tensors big enough to see. */
  scale?: number;
  title?: string;
  /** Draw a colour bar with the numeric range. */
  colorbar?: boolean;
}

/** What an {@link ImageGrid} draws. */
export interface ImageGridSpec {
  tiles: GridTile[];
  columns: number;
  colormap: ColormapName;
  colorbar?: readonly [number, number];
  title?: string;
  note?: string;
  /** Requested pixels per value; the grid lowers it when the picture would get too large. */
  scale?: number;
  /** The text/plain representation. */
  text: string;
}

/** Largest picture side in pixels: big enough to read, small enough for a notebook column. */
const MAX_PICTURE_SIDE = 1280;
/** Largest drawn side of one tile in values; larger tiles are sampled down. */
const MAX_SINGLE_TILE_SIDE = 192;
const MAX_GRID_TILE_SIDE = 96;
/** PNG bytes allowed in one output (base64 adds a third): keeps any tensor's output well under 200 kB. */
const PNG_BYTE_BUDGET = 120_000;
/** Values drawn in one picture at first try; noise-like data beyond this rarely fits the PNG budget. */
const CELL_BUDGET = 160_000;
const GAP = 6;

/**
 * A grid of pictures (images, filters, feature maps, or one heatmap) that displays as a PNG in a notebook.
 * Rendering happens once, on first use.
 */
export class ImageGrid {
  private rendered: RenderedImage | undefined;

  constructor(readonly spec: ImageGridSpec) {}

  /** Number of tiles in the grid. */
  get tileCount(): number {
    return this.spec.tiles.length;
  }

  /** The rendered picture with each tile's position in pixels. */
  render(): RenderedImage {
    if (this.rendered === undefined) this.rendered = this.renderWithinBudget();
    return this.rendered;
  }

  /** The PNG bytes. */
  toPng(): Buffer {
    return this.render().png;
  }

  /** The text/plain description. */
  toString(): string {
    return this.spec.text;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return mimeBundle({ text: this.spec.text, png: this.toPng() });
  }

  private renderWithinBudget(): RenderedImage {
    const { tiles, columns } = this.spec;
    const count = Math.max(1, tiles.length);
    const shownColumns = Math.max(1, Math.min(columns, count));
    const rows = Math.ceil(count / shownColumns);
    let sideCap = Math.min(
      count === 1 ? MAX_SINGLE_TILE_SIDE : MAX_GRID_TILE_SIDE,
      Math.max(4, Math.floor(MAX_PICTURE_SIDE / shownColumns) - GAP),
      Math.max(4, Math.floor(MAX_PICTURE_SIDE / rows) - GAP),
      Math.max(8, Math.floor(Math.sqrt(CELL_BUDGET / count))),
    );
    let downsampled = false;
    for (;;) {
      const capped = tiles.map((tile) => ({ ...tile, raster: capSize(tile.raster, sideCap) }));
      downsampled ||= capped.some((tile, i) => tile.raster !== tiles[i].raster);
      const maxSide = Math.max(1, ...capped.map((t) => Math.max(t.raster.height, t.raster.width)));
      const maxWidth = Math.max(1, ...capped.map((t) => t.raster.width));
      const maxHeight = Math.max(1, ...capped.map((t) => t.raster.height));
      const target = count === 1 ? 280 : count <= 16 ? 112 : 72;
      let scale = this.spec.scale ?? Math.floor(target / maxSide);
      scale = Math.min(
        scale,
        Math.floor((MAX_PICTURE_SIDE / shownColumns - GAP) / maxWidth),
        Math.floor((MAX_PICTURE_SIDE / rows - GAP) / maxHeight),
        64,
      );
      scale = Math.max(1, scale);
      const note = [this.spec.note, downsampled ? `large tiles sampled down to at most ${sideCap}×${sideCap}` : ""]
        .filter((part) => part)
        .join("; ");
      const image = renderImageGrid(capped, {
        columns: shownColumns,
        scale,
        title: this.spec.title,
        colormap: this.spec.colormap,
        colorbar: this.spec.colorbar,
        note: note || undefined,
      });
      if (image.png.length <= PNG_BYTE_BUDGET || sideCap <= 8) return image;
      // PNG size grows with the number of drawn values, so shrink the side by the square root of the overshoot.
      const shrink = Math.min(0.8, 0.9 * Math.sqrt(PNG_BYTE_BUDGET / image.png.length));
      sideCap = Math.max(8, Math.floor(sideCap * shrink));
    }
  }
}

/** Default number of columns for `count` tiles: one row up to 10, then a roughly square grid. */
export function defaultColumns(count: number): number {
  return count <= 10 ? Math.max(1, count) : Math.max(8, Math.ceil(Math.sqrt(count)));
}
