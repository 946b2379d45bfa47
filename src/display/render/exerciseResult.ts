import { escapeHtml } from "./html";

/** A passed exercise check as one green line: a tick, the exercise and what was right. */
export function exercisePassedHtml(heading: string, detail: string): string {
  return (
    `<div style="font-family:sans-serif;font-size:13px;color:#1b5e20;background:#e8f5e9;border-left:4px solid #2e7d32;` +
    `padding:4px 8px"><b>✓ ${escapeHtml(heading)}</b> ${escapeHtml(detail)}</div>`
  );
}
