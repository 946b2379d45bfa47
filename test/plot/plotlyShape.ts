import * as assert from "assert";
import { PlotlyMimeData } from "../../src/contract";

const TRACE_TYPES = new Set(["scatter", "bar", "heatmap", "histogram"]);

/**
 * Checks that a figure is what plotly.js expects: plain JSON (no typed arrays, NaN or undefined), known trace types,
 * matching x/y lengths, rectangular heatmaps whose labels fit, and axes that traces refer to present in the layout.
 */
export function assertWellFormedFigure(figure: PlotlyMimeData): void {
  assert.deepStrictEqual(JSON.parse(JSON.stringify(figure)), figure, "the figure is plain JSON");
  assert.ok(Array.isArray(figure.data), "data is an array of traces");
  assert.ok(figure.layout !== null && typeof figure.layout === "object" && !Array.isArray(figure.layout));
  for (const [i, raw] of figure.data.entries()) {
    const trace = raw as Record<string, unknown>;
    assert.ok(TRACE_TYPES.has(String(trace.type)), `trace ${i} has a known type, got ${String(trace.type)}`);
    if (trace.type === "heatmap") {
      const z = trace.z as unknown[][];
      assert.ok(
        Array.isArray(z) && z.every((row) => Array.isArray(row) && row.length === z[0].length),
        "z is rectangular",
      );
      if (trace.x) assert.strictEqual((trace.x as unknown[]).length, z[0].length, "x labels fit the columns");
      if (trace.y) assert.strictEqual((trace.y as unknown[]).length, z.length, "y labels fit the rows");
    } else if (Array.isArray(trace.x) && Array.isArray(trace.y)) {
      assert.strictEqual(trace.x.length, trace.y.length, `trace ${i}: x and y have the same length`);
      assert.ok([...trace.x, ...trace.y].every((v) => v === null || ["number", "string"].includes(typeof v)));
    }
    for (const axis of ["xaxis", "yaxis"] as const) {
      const reference = trace[axis];
      if (reference === undefined) continue;
      const key = `${axis}${String(reference).slice(1)}`;
      assert.ok(key === axis || key in figure.layout, `trace ${i} refers to ${String(reference)}, layout has ${key}`);
    }
  }
}
