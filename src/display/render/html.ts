/** Escapes text for use inside HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Pieces of HTML side by side, wrapping to the next line where the output area is narrow. */
export function sideBySideHtml(pieces: string[], gap = 8): string {
  return `<div style="display:flex;flex-wrap:wrap;gap:${gap}px;align-items:flex-start">${pieces.join("")}</div>`;
}

/** PNG pictures one under another, each under a bold caption. */
export function captionedPicturesHtml(pictures: Array<{ caption: string; png: string }>): string {
  return pictures
    .map(
      ({ caption, png }) =>
        `<div><div style="font-family:sans-serif;font-size:12px;font-weight:bold">${escapeHtml(caption)}</div>` +
        `<img src="data:image/png;base64,${png}"/></div>`,
    )
    .join("");
}

/**
 * A table's title as a line above it. Not a `<caption>`: a caption is as wide as its table, so a narrow table broke
 * its title into one word per line.
 */
export function tableTitleHtml(title: string): string {
  return `<div style="font-weight:bold;padding:2px 0;font-size:12px">${escapeHtml(title)}</div>`;
}
