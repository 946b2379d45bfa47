import { createCanvas, loadImage } from "canvas";

/** A decoded PNG whose pixels can be read by position. */
export interface DecodedImage {
  width: number;
  height: number;
  rgb(x: number, y: number): [number, number, number];
}

/** Decodes PNG bytes (or a base64 string from a mimebundle) with canvas, the way a viewer would. */
export async function decodePng(png: Buffer | string): Promise<DecodedImage> {
  const bytes = typeof png === "string" ? Buffer.from(png, "base64") : png;
  const image = await loadImage(bytes);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, image.width, image.height).data;
  return {
    width: image.width,
    height: image.height,
    rgb(x: number, y: number) {
      const offset = (Math.floor(y) * image.width + Math.floor(x)) * 4;
      return [data[offset], data[offset + 1], data[offset + 2]];
    },
  };
}
