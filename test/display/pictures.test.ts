import * as assert from "assert";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { show, showFilters, showImages, showFeatureMaps } from "../../src/display";
import { midpointColor, topColor, colorAt, NAN_COLOR } from "../../src/display/render/colormap";
import { decodePng } from "./pixels";

/** Centre of cell (row, col) of tile `box` drawn at `scale` pixels per value. */
function cellCentre(box: { x: number; y: number }, scale: number, row: number, col: number): [number, number] {
  return [box.x + (col + 0.5) * scale, box.y + (row + 0.5) * scale];
}

describe("display: pictures of tensors", () => {
  // Renderers are checked on cpu; the engine the other suites chose is given back afterwards.
  let previous: string | undefined;
  before(async () => {
    previous = tf.getBackend();
    await tf.setBackend("cpu");
  });
  after(async () => {
    if (previous !== undefined) await tf.setBackend(previous);
  });

  it("shows a long title whole, on as many lines as it needs above the picture", async () => {
    const title = "one output channel: red edges minus blue edges, summed over the three input channels of the photo";
    const rendered = show(tf.ones([8, 8]), { title }).picture!.render();
    const image = await decodePng(rendered.png);
    const top = rendered.tiles[0].y;
    const inkRows = Array.from({ length: top }, (_, y) => y).filter((y) =>
      Array.from({ length: image.width }, (_, x) => image.rgb(x, y)).some(([r]) => r < 128),
    );
    const bands = inkRows.filter((y, i) => i === 0 || y !== inkRows[i - 1] + 1).length;
    assert.ok(bands >= 2, `the title took ${bands} line(s) in a ${image.width}-pixel-wide picture`);
    assert.ok(image.width <= 400, `the picture widened to ${image.width} pixels instead of wrapping`);
  });

  it("draws a heatmap's maximum in the map's top colour, at the maximum's position", async () => {
    const values = Array.from({ length: 4 * 5 }, (_, i) => (i % 7) / 10);
    values[2 * 5 + 3] = 9; // row 2, column 3
    const view = show(tf.tensor2d(values, [4, 5]), { colormap: "viridis" });
    const rendered = view.picture!.render();
    const box = rendered.tiles[0];
    const scale = box.width / 5;
    assert.strictEqual(box.height / 4, scale, "cells are square");
    const image = await decodePng(rendered.png);
    assert.deepStrictEqual(image.rgb(...cellCentre(box, scale, 2, 3)), [...topColor("viridis")]);
    // The minimum (0, at row 0 column 0) gets the bottom colour, and no other cell is the top colour.
    assert.deepStrictEqual(image.rgb(...cellCentre(box, scale, 0, 0)), [...colorAt("viridis", 0)]);
    assert.notDeepStrictEqual(image.rgb(...cellCentre(box, scale, 2, 2)), [...topColor("viridis")]);
  });

  it("draws 0 as the diverging map's midpoint colour and signs on either side", async () => {
    const view = show(
      tf.tensor2d([
        [-2, 0],
        [1, 4],
      ]),
    );
    const rendered = view.picture!.render();
    const box = rendered.tiles[0];
    const scale = box.width / 2;
    const image = await decodePng(rendered.png);
    assert.deepStrictEqual(image.rgb(...cellCentre(box, scale, 0, 1)), [...midpointColor("diverging")]);
    assert.deepStrictEqual([...midpointColor("diverging")], [255, 255, 255]);
    const [r, , b] = image.rgb(...cellCentre(box, scale, 0, 0));
    assert.ok(b > r, `negative value drawn blue-ish, got r=${r} b=${b}`);
    assert.deepStrictEqual(image.rgb(...cellCentre(box, scale, 1, 1)), [...topColor("diverging")]);
    // A colour bar shows the symmetric range.
    assert.ok(rendered.colorbar, "a heatmap has a colour bar");
  });

  it("keeps the RGB order of a 3-channel image", async () => {
    const pixels = [
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      [
        [0, 0, 1],
        [1, 1, 1],
      ],
    ];
    const rendered = show(tf.tensor3d(pixels)).picture!.render();
    const box = rendered.tiles[0];
    const scale = box.width / 2;
    const image = await decodePng(rendered.png);
    assert.deepStrictEqual(image.rgb(...cellCentre(box, scale, 0, 0)), [255, 0, 0]);
    assert.deepStrictEqual(image.rgb(...cellCentre(box, scale, 0, 1)), [0, 255, 0]);
    assert.deepStrictEqual(image.rgb(...cellCentre(box, scale, 1, 0)), [0, 0, 255]);
    assert.deepStrictEqual(image.rgb(...cellCentre(box, scale, 1, 1)), [255, 255, 255]);
  });

  it("lays out a filter grid as input channels × filters, each tile the kernel's size", async () => {
    const [kh, kw, inChannels, outChannels] = [3, 3, 2, 5];
    const weights = new Float32Array(kh * kw * inChannels * outChannels).fill(0.1);
    // The strongest weight: position (1, 2) of input channel 1 in filter 3.
    weights[((1 * kw + 2) * inChannels + 1) * outChannels + 3] = 5;
    const grid = showFilters(tf.tensor4d(weights, [kh, kw, inChannels, outChannels]));
    const rendered = grid.render();
    assert.strictEqual(rendered.tiles.length, inChannels * outChannels);
    const columns = new Set(rendered.tiles.map((t) => t.x));
    const rows = new Set(rendered.tiles.map((t) => t.y));
    assert.strictEqual(columns.size, outChannels, "one column per filter");
    assert.strictEqual(rows.size, inChannels, "one row per input channel");
    const scale = rendered.tiles[0].width / kw;
    assert.ok(rendered.tiles.every((t) => t.width === kw * scale && t.height === kh * scale));
    const image = await decodePng(rendered.png);
    const tile = rendered.tiles[1 * outChannels + 3];
    assert.deepStrictEqual(image.rgb(...cellCentre(tile, scale, 1, 2)), [...topColor("diverging")]);
    // Filter 3's other input channel is drawn on filter 3's scale: its 0.1 is far below the top colour.
    const other = rendered.tiles[0 * outChannels + 3];
    assert.notDeepStrictEqual(image.rgb(...cellCentre(other, scale, 1, 2)), [...topColor("diverging")]);
  });

  it("draws a blur next to an edge filter in clear colour and labels every filter", async () => {
    const sobel = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
    const blur = Array.from({ length: 9 }, () => 1 / 9);
    const weights = sobel.flatMap((weight, i) => [weight, blur[i]]); // [3, 3, 1, 2]: filter index last
    const grid = showFilters(tf.tensor4d(weights, [3, 3, 1, 2]), { labels: ["vertical edge", "blur"] });
    const rendered = grid.render();
    const image = await decodePng(rendered.png);
    const [, blurTile] = rendered.tiles;
    const scale = blurTile.width / 3;
    // On the Sobel filter's ±2 scale the blur's 1/9 would be all but white; on its own scale it is the top colour.
    assert.deepStrictEqual(image.rgb(...cellCentre(blurTile, scale, 1, 1)), [...topColor("diverging")]);
    for (const tile of rendered.tiles) {
      const labelRows = Array.from({ length: 14 }, (_, dy) => tile.y + tile.height + 1 + dy);
      const ink = labelRows.some((y) =>
        Array.from({ length: tile.width }, (_, dx) => image.rgb(tile.x + dx, y)).some(([red]) => red < 128),
      );
      assert.ok(ink, `a label under the tile at x=${tile.x}`);
    }
    assert.match(String(grid), /largest \|weight\| per filter: vertical edge 2, blur 0\.111/);
    const unnamed = String(showFilters(tf.tensor4d(weights, [3, 3, 1, 2])));
    assert.match(unnamed, /out 0 2, out 1 0\.111/);
    assert.throws(() => showFilters(tf.tensor4d(weights, [3, 3, 1, 2]), { labels: ["one"] }), /labels has 1 entries/);
    const shared = showFilters(tf.tensor4d(weights, [3, 3, 1, 2]), { sharedRange: true }).render();
    assert.ok(shared.colorbar, "one shared range has a colour bar");
  });

  it("draws 3-input-channel filters as one RGB tile per filter", () => {
    const grid = showFilters(tf.randomNormal([5, 5, 3, 8], 0, 1, "float32", 1));
    assert.strictEqual(grid.tileCount, 8);
    assert.strictEqual(
      showFilters(tf.randomNormal([5, 5, 3, 8], 0, 1, "float32", 1), { inputChannel: 2 }).tileCount,
      8,
    );
  });

  it("draws an image batch with one tile per image and rejects a wrong number of labels", () => {
    const images = tf.randomUniform([6, 8, 8, 1], 0, 1, "float32", 2);
    const grid = showImages(images, { labels: ["a", "b", "c", "d", "e", "f"], columns: 3 });
    const rendered = grid.render();
    assert.strictEqual(rendered.tiles.length, 6);
    assert.strictEqual(new Set(rendered.tiles.map((t) => t.x)).size, 3);
    assert.match(String(grid), /6 images 8×8×1/);
    assert.throws(() => showImages(images, { labels: ["a"] }), /labels has 1 entries but there are 6 images/);
    assert.throws(() => showImages(tf.zeros([2, 4, 4, 5])), /showFeatureMaps/);
  });

  it("caps an image batch at maxImages and says so", () => {
    const grid = showImages(tf.zeros([20, 4, 4]), { maxImages: 5 });
    assert.strictEqual(grid.tileCount, 5);
    assert.match(String(grid), /showing 5 of 20 images/);
  });

  it("draws one feature map per channel, labelled with its channel number", async () => {
    const maps = tf.tensor4d(
      Array.from({ length: 3 * 3 * 4 }, (_, i) => i % 4), // channel c holds the value c everywhere
      [1, 3, 3, 4],
    );
    const rendered = showFeatureMaps(maps).render();
    assert.strictEqual(rendered.tiles.length, 4);
    const image = await decodePng(rendered.png);
    const scale = rendered.tiles[0].width / 3;
    // Shared range: channel 3 (largest values) is the top colour, channel 0 the bottom.
    assert.deepStrictEqual(image.rgb(...cellCentre(rendered.tiles[3], scale, 1, 1)), [...topColor("viridis")]);
    assert.deepStrictEqual(image.rgb(...cellCentre(rendered.tiles[0], scale, 1, 1)), [...colorAt("viridis", 0)]);
  });

  it("upscales small tensors with nearest neighbour so a 5×5 kernel is visible", async () => {
    const rendered = show(
      tf.tensor2d(
        Array.from({ length: 25 }, (_, i) => i),
        [5, 5],
      ),
    ).picture!.render();
    const box = rendered.tiles[0];
    assert.ok(box.width >= 100, `a 5×5 tensor is drawn at least 100 px wide, got ${box.width}`);
    const image = await decodePng(rendered.png);
    const scale = box.width / 5;
    // Every pixel of one cell has the same colour (no smoothing).
    const corner = image.rgb(box.x + 4 * scale + 1, box.y + 4 * scale + 1);
    assert.deepStrictEqual(image.rgb(box.x + 5 * scale - 2, box.y + 5 * scale - 2), corner);
  });

  it("draws NaN-only data in the NaN colour instead of failing", async () => {
    const view = show(tf.fill([3, 3], NaN));
    const rendered = view.picture!.render();
    const image = await decodePng(rendered.png);
    const box = rendered.tiles[0];
    assert.deepStrictEqual(image.rgb(box.x + 1, box.y + 1), [...NAN_COLOR]);
    assert.match(String(view), /no finite values/);
    assert.match(String(view), /NaN 9/);
  });
});

describe("display: wrong input to the picture functions", () => {
  // Renderers are checked on cpu; the engine the other suites chose is given back afterwards.
  let previous: string;
  before(async () => {
    previous = tf.getBackend();
    await tf.setBackend("cpu");
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  const functions: [string, (t: never) => unknown, number[]][] = [
    ["showImages", showImages as never, [2, 4, 4, 1]],
    ["showFilters", showFilters as never, [3, 3, 1, 2]],
    ["showFeatureMaps", showFeatureMaps as never, [4, 4, 2]],
  ];
  for (const [name, draw, goodShape] of functions) {
    it(`${name}() names the problem for a non-tensor, a wrong rank and an empty tensor`, () => {
      assert.throws(() => draw("x" as never), new RegExp(`${name}\\(\\) expects a tf\\.Tensor, got a string`));
      assert.throws(() => draw(tf.zeros([1, 1, 1, 1, 1]) as never), /got rank 5 \[1,1,1,1,1\]; pick a slice/);
      const emptyShape = goodShape.slice();
      emptyShape[emptyShape.length - 1] = 0;
      assert.throws(() => draw(tf.zeros(emptyShape) as never), /is empty \(a 0 in its shape\)/);
    });

    it(`${name}() draws NaN-only data as a picture`, () => {
      const grid = draw(tf.fill(goodShape, NaN) as never) as { toPng(): Buffer };
      assert.ok(grid.toPng().length > 0);
    });
  }
});
