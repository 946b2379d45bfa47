import { escapeHtml, tableTitleHtml } from "./html";

/** A rectangle of cells: top-left row and column, and its size. */
export interface CellWindow {
  row: number;
  col: number;
  height: number;
  width: number;
}

/** A small matrix to print as numbers, with an optional window marked (e.g. the receptive field). */
export interface NumericTableContent {
  rows: number;
  columns: number;
  /** Row-major values. */
  values: ArrayLike<number>;
  /** Digits after the decimal point; 0 prints integers. */
  digits: number;
  highlight?: CellWindow;
  title?: string;
  note?: string;
}

function inWindow(window: CellWindow | undefined, r: number, c: number): boolean {
  return (
    window !== undefined &&
    r >= window.row &&
    r < window.row + window.height &&
    c >= window.col &&
    c < window.col + window.width
  );
}

function numberText(value: number, digits: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Inf" : "-Inf";
  return value.toFixed(digits);
}

const TABLE_STYLE =
  "border-collapse:collapse;font-family:DejaVu Sans Mono,Menlo,Consolas,monospace;font-size:12px;margin:4px 0";

/** The matrix as an HTML table; highlighted cells get a yellow background and a bold outline. */
export function numericTableHtml(content: NumericTableContent): string {
  const { rows, columns, values, digits, highlight } = content;
  const parts = content.title ? [tableTitleHtml(content.title)] : [];
  parts.push(`<table style="${TABLE_STYLE}">`);
  parts.push("<tbody>");
  for (let r = 0; r < rows; r++) {
    parts.push("<tr>");
    for (let c = 0; c < columns; c++) {
      const marked = inWindow(highlight, r, c);
      const style = marked
        ? "border:2px solid #d62728;background:#fff3b0;padding:2px 6px;text-align:right"
        : "border:1px solid #ddd;padding:2px 6px;text-align:right";
      parts.push(
        `<td style="${style}"${marked ? ' data-highlight="true"' : ""}>${escapeHtml(numberText(values[r * columns + c], digits))}</td>`,
      );
    }
    parts.push("</tr>");
  }
  parts.push("</tbody></table>");
  if (content.note) parts.push(`<div style="color:#666;font-size:11px">${escapeHtml(content.note)}</div>`);
  return parts.join("");
}

/** The matrix as aligned text; highlighted cells are wrapped in [brackets]. */
export function numericTableText(content: NumericTableContent): string {
  const { rows, columns, values, digits, highlight } = content;
  const texts: string[] = [];
  for (let i = 0; i < rows * columns; i++) texts.push(numberText(values[i], digits));
  const width = Math.max(1, ...texts.map((t) => t.length));
  const lines: string[] = [];
  if (content.title) lines.push(content.title);
  for (let r = 0; r < rows; r++) {
    let line = "";
    for (let c = 0; c < columns; c++) {
      const cell = texts[r * columns + c].padStart(width);
      line += inWindow(highlight, r, c) ? `[${cell}]` : ` ${cell} `;
    }
    lines.push(line.trimEnd());
  }
  if (content.note) lines.push(content.note);
  return lines.join("\n");
}
