import { escapeHtml, tableTitleHtml } from "./html";
import { formatCount, formatNumber } from "./statistics";

/** A table ready to render: header texts and cell texts (already formatted), numeric cells right-aligned. */
export interface TableContent {
  columns?: string[];
  rows: string[][];
  /** Per column: true when all its cells are numbers (right-aligned). */
  numeric: boolean[];
  title?: string;
  note?: string;
}

/**
 * The text of one cell: integers with their thousands grouped (as in a model summary), other numbers shortened,
 * arrays (shapes) in brackets, null as "None"-free empty text.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    return Number.isSafeInteger(value) ? formatCount(value) : formatNumber(value);
  }
  if (typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  // A shape's sizes are not counts: [null,1024], not [null,1,024].
  if (Array.isArray(value)) {
    return (
      "[" +
      value.map((v) => (v === null ? "null" : typeof v === "number" ? formatNumber(v) : cellText(v))).join(",") +
      "]"
    );
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const TABLE_STYLE =
  "border-collapse:collapse;font-family:DejaVu Sans Mono,Menlo,Consolas,monospace;font-size:12px;margin:4px 0";
const CELL_STYLE = "border:1px solid #ddd;padding:2px 8px";
const HEADER_STYLE = `${CELL_STYLE};background:#f3f3f3;font-weight:bold`;

/** An HTML table; every text is escaped. */
export function tableHtml(content: TableContent): string {
  const parts = content.title ? [tableTitleHtml(content.title)] : [];
  parts.push(`<table style="${TABLE_STYLE}">`);
  if (content.columns) {
    parts.push("<thead><tr>");
    content.columns.forEach((column, i) => {
      const align = content.numeric[i] ? "right" : "left";
      parts.push(`<th style="${HEADER_STYLE};text-align:${align}">${escapeHtml(column)}</th>`);
    });
    parts.push("</tr></thead>");
  }
  parts.push("<tbody>");
  for (const row of content.rows) {
    parts.push("<tr>");
    row.forEach((cell, i) => {
      const align = content.numeric[i] ? "right" : "left";
      parts.push(`<td style="${CELL_STYLE};text-align:${align}">${escapeHtml(cell)}</td>`);
    });
    parts.push("</tr>");
  }
  parts.push("</tbody></table>");
  if (content.note) parts.push(`<div style="color:#666;font-size:11px">${escapeHtml(content.note)}</div>`);
  return parts.join("");
}

/** The same table as aligned plain text. */
export function tableText(content: TableContent): string {
  const all = content.columns ? [content.columns, ...content.rows] : content.rows;
  const count = Math.max(0, ...all.map((row) => row.length));
  const widths = Array.from({ length: count }, (_, i) => Math.max(0, ...all.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    widths
      .map((width, i) => (content.numeric[i] ? (row[i] ?? "").padStart(width) : (row[i] ?? "").padEnd(width)))
      .join("  ")
      .trimEnd();
  const lines: string[] = [];
  if (content.title) lines.push(content.title);
  if (content.columns) {
    lines.push(line(content.columns));
    lines.push(widths.map((width) => "-".repeat(width)).join("  "));
  }
  for (const row of content.rows) lines.push(line(row));
  if (content.note) lines.push(content.note);
  return lines.join("\n");
}
