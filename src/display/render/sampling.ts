/** A raster of numbers: `height × width × channels`, row-major, channels last (the tfjs layout). */
export interface Raster {
  height: number;
  width: number;
  channels: number;
  values: ArrayLike<number>;
}

/**
 * Shrinks a raster so neither side exceeds `maxSide`, by picking evenly spaced rows and columns (nearest
 * neighbour). A summary, not a resampling: large tensors are drawn at a capped size so outputs stay small.
 */
export function capSize(raster: Raster, maxSide: number): Raster {
  const { height, width, channels, values } = raster;
  if (height <= maxSide && width <= maxSide) return raster;
  const newHeight = Math.min(height, maxSide);
  const newWidth = Math.min(width, maxSide);
  const out = new Float32Array(newHeight * newWidth * channels);
  for (let r = 0; r < newHeight; r++) {
    const sourceRow = Math.floor(((r + 0.5) * height) / newHeight);
    for (let c = 0; c < newWidth; c++) {
      const sourceColumn = Math.floor(((c + 0.5) * width) / newWidth);
      const from = (sourceRow * width + sourceColumn) * channels;
      const to = (r * newWidth + c) * channels;
      for (let k = 0; k < channels; k++) out[to + k] = values[from + k];
    }
  }
  return { height: newHeight, width: newWidth, channels, values: out };
}

/** The values of one channel of a raster, as a single-channel raster. */
export function channelOf(raster: Raster, channel: number): Raster {
  const { height, width, channels, values } = raster;
  const out = new Float32Array(height * width);
  for (let i = 0; i < height * width; i++) out[i] = values[i * channels + channel];
  return { height, width, channels: 1, values: out };
}
