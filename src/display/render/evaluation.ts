import { escapeHtml, sideBySideHtml, tableTitleHtml } from "./html";

/** An evaluation's headline over its per-class chart and its confusion matrix, side by side where they fit. */
export function evaluationHtml(headline: string, perClassChart: string, confusionMatrix: string): string {
  return (
    `<div style="font-weight:bold">${escapeHtml(headline)}</div>` + sideBySideHtml([perClassChart, confusionMatrix], 12)
  );
}

/** One misclassified image as a card: the picture, its index and true class, then the top predictions. */
export interface MisclassifiedCard {
  png: string;
  index: number;
  trueClass: string;
  top: Array<{ className: string; probability: number }>;
}

/** Misclassified examples as a wrapping row of cards, the top prediction in red. */
export function misclassifiedHtml(title: string, cards: MisclassifiedCard[]): string {
  const body = cards
    .map((card) => {
      const lines = card.top
        .map(
          (t, k) =>
            `<div style="color:${k === 0 ? "#d62728" : "#333"}">` +
            `${escapeHtml(t.className)} ${t.probability.toFixed(3)}</div>`,
        )
        .join("");
      return (
        `<div style="width:124px;font-family:DejaVu Sans, sans-serif;font-size:11px">` +
        `<img src="data:image/png;base64,${card.png}" style="width:112px"/>` +
        `<div><b>#${card.index}</b> true ${escapeHtml(card.trueClass)}</div>${lines}</div>`
      );
    })
    .join("");
  return (
    `<div style="font-weight:bold;font-family:sans-serif">${escapeHtml(title)}</div>` +
    `<div style="display:flex;flex-wrap:wrap;gap:6px">${body}</div>`
  );
}

/**
 * A confusion matrix as a table shaded by count (square root, so small counts still show): the diagonal in blue,
 * mistakes in red.
 */
export function confusionMatrixHtml(counts: number[][], classNames: readonly string[], title: string): string {
  const max = Math.max(1, ...counts.flat());
  const cell = "border:1px solid #ddd;padding:2px 6px;text-align:right;font-size:11px";
  const head = classNames.map((n) => `<th style="${cell};background:#f3f3f3">${escapeHtml(n)}</th>`).join("");
  const rows = counts
    .map((row, t) => {
      const cells = row
        .map((count, p) => {
          const shade = Math.sqrt(count / max);
          const color = t === p ? `rgba(31,119,180,${shade.toFixed(3)})` : `rgba(214,39,40,${shade.toFixed(3)})`;
          const text = shade > 0.6 ? "#fff" : "#000";
          return `<td style="${cell};background:${color};color:${text}">${count}</td>`;
        })
        .join("");
      return `<tr><th style="${cell};background:#f3f3f3">${escapeHtml(classNames[t])}</th>${cells}</tr>`;
    })
    .join("");
  return (
    tableTitleHtml(title) +
    `<table style="border-collapse:collapse;font-family:DejaVu Sans, sans-serif">` +
    `<thead><tr><th style="${cell}">true \\ predicted</th>${head}</tr></thead><tbody>${rows}</tbody></table>`
  );
}
