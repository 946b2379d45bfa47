import * as tf from "@tensorflow/tfjs";
import { ImageDataset } from "./dataset";
import { SeededRandom } from "./random";

/** The shapes the convolution lessons use: each makes one kind of filter respond. */
export type ShapeKind = "vertical-edge" | "horizontal-edge" | "square" | "cross" | "circle";

/** Every {@link ShapeKind}, in the label order of {@link syntheticShapes}. */
export const SHAPE_KINDS: readonly ShapeKind[] = ["vertical-edge", "horizontal-edge", "square", "cross", "circle"];

/** Where and how large a shape is drawn, in pixels. */
interface Placement {
  centerX: number;
  centerY: number;
  /** Half the side of the square, the arms of the cross, the circle's radius. */
  radius: number;
  /** Line thickness for the cross and the outlines. */
  thickness: number;
}

/** Draws one shape into a size×size greyscale byte image (0 background, 255 ink). */
export function drawShape(kind: ShapeKind, size: number, placement?: Partial<Placement>): Uint8Array {
  const p: Placement = {
    centerX: placement?.centerX ?? (size - 1) / 2,
    centerY: placement?.centerY ?? (size - 1) / 2,
    radius: placement?.radius ?? Math.max(2, size / 4),
    thickness: placement?.thickness ?? Math.max(1, Math.round(size / 14)),
  };
  const image = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x - p.centerX;
      const dy = y - p.centerY;
      let ink: boolean;
      switch (kind) {
        case "vertical-edge":
          ink = dx >= 0;
          break;
        case "horizontal-edge":
          ink = dy >= 0;
          break;
        case "square": {
          const inside = Math.max(Math.abs(dx), Math.abs(dy));
          ink = inside <= p.radius && inside > p.radius - p.thickness;
          break;
        }
        case "cross":
          ink =
            (Math.abs(dx) < p.thickness && Math.abs(dy) <= p.radius) ||
            (Math.abs(dy) < p.thickness && Math.abs(dx) <= p.radius);
          break;
        case "circle": {
          const distance = Math.hypot(dx, dy);
          ink = Math.abs(distance - p.radius) < p.thickness * 0.75;
          break;
        }
        default:
          throw new Error(`unknown shape "${kind as string}"; use one of ${SHAPE_KINDS.join(", ")}`);
      }
      if (ink) image[y * size + x] = 255;
    }
  }
  return image;
}

/**
 * One synthetic image as a float tensor [size, size, 1] in 0..1: a vertical or horizontal edge, a square, a cross or
 * a circle, centred. Small pictures whose feature maps a student can predict by hand.
 */
export function syntheticImage(kind: ShapeKind, size = 28): tf.Tensor3D {
  const bytes = drawShape(kind, size);
  return tf.tidy(() =>
    tf.tensor3d(
      Float32Array.from(bytes, (b) => b / 255),
      [size, size, 1],
    ),
  );
}

/** Options of {@link syntheticShapes}. */
export interface SyntheticShapesOptions {
  /** Number of images (default 500). */
  count?: number;
  /** Side in pixels (default 28). */
  size?: number;
  /** Seed for positions and sizes (default 0). */
  seed?: number;
  /** Which shapes, in label order (default all of {@link SHAPE_KINDS}). */
  kinds?: readonly ShapeKind[];
  /** Standard deviation of added pixel noise in 0..255 units (default 0). */
  noise?: number;
}

/**
 * A small labelled dataset of shapes at random positions and sizes: trains in seconds, and a class is a shape a
 * student can name (label i is kinds[i]).
 */
export function syntheticShapes(options: SyntheticShapesOptions = {}): ImageDataset {
  const count = options.count ?? 500;
  const size = options.size ?? 28;
  const kinds = options.kinds ?? SHAPE_KINDS;
  const random = new SeededRandom(options.seed ?? 0);
  const images = new Uint8Array(count * size * size);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % kinds.length;
    const radius = size * (0.18 + 0.14 * random.next());
    const margin = radius + 1;
    const bytes = drawShape(kinds[label], size, {
      centerX: margin + random.next() * (size - 1 - 2 * margin),
      centerY: margin + random.next() * (size - 1 - 2 * margin),
      radius,
    });
    if (options.noise) {
      for (let k = 0; k < bytes.length; k++) {
        const gaussian = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
        bytes[k] = Math.max(0, Math.min(255, Math.round(bytes[k] + options.noise * gaussian)));
      }
    }
    images.set(bytes, i * size * size);
    labels[i] = label;
  }
  return new ImageDataset(images, labels, size, size, 1, kinds, "synthetic shapes");
}
