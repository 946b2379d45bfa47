import { Tensor } from "@tensorflow/tfjs-core";
import { mimeBundle } from "./bundle";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";
import { CellWindow, numericTableHtml, numericTableText } from "./render/numericTable";
import { cellText, tableHtml, tableText } from "./render/table";
import { describeValue, readTensor } from "./tensorData";

/** An HTML table (with a plain-text twin) that displays in a notebook. */
export class Table {
  constructor(
    private readonly html: string,
    private readonly text: string,
  ) {}

  /** The HTML markup (all cell text escaped). */
  toHtml(): string {
    return this.html;
  }

  /** The aligned plain-text version. */
  toString(): string {
    return this.text;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return mimeBundle({ text: this.text, html: this.html });
  }
}

/** Rows beyond this are left out of a table (and counted in a note), so a big array cannot flood the output. */
const MAX_TABLE_ROWS = 1000;

/**
 * An HTML table for model summaries, metric tables and the like. Rows are objects (columns from their keys, in
 * first-seen order) or arrays (columns named by `options.columns`, else no header). Numbers are shortened and
 * right-aligned; all text is HTML-escaped.
 *
 * @example
 * ```ts
 * table([{ epoch: 1, loss: 0.52, accuracy: 0.83 }, { epoch: 2, loss: 0.31, accuracy: 0.9 }], { title: "training" })
 * ```
 */
export function table(
  rows: Record<string, unknown>[] | unknown[][],
  options: { columns?: string[]; title?: string } = {},
): Table {
  if (!Array.isArray(rows)) {
    throw new TypeError(`table() expects an array of rows (objects or arrays), got ${describeValue(rows)}`);
  }
  const shown = rows.slice(0, MAX_TABLE_ROWS) as unknown[];
  const allArrays = shown.every((row) => Array.isArray(row));
  const allObjects = shown.every((row) => row !== null && typeof row === "object" && !Array.isArray(row));
  if (!allArrays && !allObjects) {
    throw new TypeError("table() expects every row to be an object ({ column: value }) or every row to be an array");
  }
  let columns = options.columns;
  let cells: unknown[][];
  if (allArrays && shown.length > 0) {
    cells = shown as unknown[][];
  } else {
    if (columns === undefined) {
      const seen = new Set<string>();
      for (const row of shown as Record<string, unknown>[]) for (const key of Object.keys(row)) seen.add(key);
      columns = [...seen];
    }
    const keys = columns;
    cells = (shown as Record<string, unknown>[]).map((row) => keys.map((key) => row[key]));
  }
  const count = Math.max(columns?.length ?? 0, ...cells.map((row) => row.length));
  const numeric = Array.from(
    { length: count },
    (_, i) =>
      cells.length > 0 && cells.every((row) => typeof row[i] === "number" || row[i] === undefined || row[i] === null),
  );
  const content = {
    columns,
    rows: cells.map((row) => Array.from({ length: count }, (_, i) => cellText(row[i]))),
    numeric,
    title: options.title,
    note: rows.length > MAX_TABLE_ROWS ? `showing ${MAX_TABLE_ROWS} of ${rows.length} rows` : undefined,
  };
  return new Table(tableHtml(content), tableText(content));
}

/** Options of {@link numericTable}. */
export interface NumericTableOptions {
  /** Cells to mark, e.g. the receptive window of one output of a convolution. */
  highlight?: CellWindow;
  /** Digits after the decimal point (default 2; 0 for int32 tensors). */
  digits?: number;
  title?: string;
}

/** Largest matrix side printed in full; bigger tensors show their top-left corner. */
const MAX_NUMERIC_SIDE = 32;

/**
 * A small matrix as a table of numbers, to follow a convolution by hand: show the input with the current receptive
 * window highlighted, the kernel, and the output with the cell being computed highlighted.
 *
 * @param tensor - rank 2 `[rows, columns]` (rank 1 prints as one row).
 *
 * @example
 * ```ts
 * numericTable(input, { highlight: { row: 1, col: 2, height: 3, width: 3 }, title: "input" })
 * ```
 */
export function numericTable(tensor: Tensor, options: NumericTableOptions = {}): Table {
  const data = readTensor(tensor, "numericTable");
  if (data.shape.length !== 1 && data.shape.length !== 2) {
    throw new RangeError(
      `numericTable() expected a rank-2 tensor [rows,columns], got rank ${data.shape.length} [${data.shape.join(",")}]` +
        (data.shape.length > 2 ? "; for an image [h,w,1] use x.squeeze() or pick one channel" : ""),
    );
  }
  const [rows, columns] = data.shape.length === 2 ? data.shape : [1, data.shape[0]];
  const { highlight } = options;
  if (highlight !== undefined) {
    const { row, col, height, width } = highlight;
    const valid =
      [row, col, height, width].every(Number.isInteger) &&
      row >= 0 &&
      col >= 0 &&
      height >= 1 &&
      width >= 1 &&
      row + height <= rows &&
      col + width <= columns;
    if (!valid) {
      throw new RangeError(
        `numericTable(): highlight ${JSON.stringify(highlight)} does not fit in a ${rows}×${columns} matrix ` +
          `(row + height must be ≤ ${rows}, col + width ≤ ${columns})`,
      );
    }
  }
  const shownRows = Math.min(rows, MAX_NUMERIC_SIDE);
  const shownColumns = Math.min(columns, MAX_NUMERIC_SIDE);
  const values = new Float64Array(shownRows * shownColumns);
  for (let r = 0; r < shownRows; r++) {
    for (let c = 0; c < shownColumns; c++) values[r * shownColumns + c] = data.values[r * columns + c];
  }
  const digits = options.digits ?? (data.dtype === "int32" || data.dtype === "bool" ? 0 : 2);
  if (!(Number.isInteger(digits) && digits >= 0 && digits <= 20)) {
    throw new RangeError(`numericTable(): digits must be an integer from 0 to 20, got ${digits}`);
  }
  const content = {
    rows: shownRows,
    columns: shownColumns,
    values,
    digits,
    highlight,
    title: options.title,
    note:
      shownRows < rows || shownColumns < columns
        ? `showing the top-left ${shownRows}×${shownColumns} of ${rows}×${columns}`
        : undefined,
  };
  return new Table(numericTableHtml(content), numericTableText(content));
}
