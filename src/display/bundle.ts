import { MimeBundle, PlotlyMimeData } from "../contract";

/** The representations a displayable object has; {@link mimeBundle} turns them into a Jupyter mimebundle. */
export interface Representations {
  /** Always required: what a terminal, a log or a screen reader gets. */
  text: string;
  /** PNG bytes (encoded to base64 here, so renderers deal in bytes only). */
  png?: Uint8Array;
  html?: string;
  plotly?: PlotlyMimeData;
}

/**
 * The single place where representations become a mimebundle, so every output follows the same rules
 * (text/plain always present, PNG as base64, plotly JSON plain data).
 */
export function mimeBundle(representations: Representations): MimeBundle {
  const bundle: MimeBundle = { "text/plain": representations.text };
  if (representations.png !== undefined) {
    bundle["image/png"] = Buffer.from(representations.png).toString("base64");
  }
  if (representations.html !== undefined) bundle["text/html"] = representations.html;
  if (representations.plotly !== undefined) bundle["application/vnd.plotly.v1+json"] = representations.plotly;
  return bundle;
}
