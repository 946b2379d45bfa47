import { display, LiveOutput, mimeBundle } from "../display";
import { kernelHost, Displayable, JUPYTER_DISPLAY, MimeBundle } from "../contract";
import { Figure } from "./figure";
import { plotlySource, takeEmbeddingTurn } from "./plotlyScript";

/** A figure shown once and redrawn in place as it changes (e.g. the loss curve while training). */
export class LiveFigure {
  private current: Figure;
  private readonly output: LiveOutput;
  private finished = false;

  constructor(initial: Figure, output: LiveOutput = new LiveOutput()) {
    if (!(initial instanceof Figure)) {
      throw new TypeError("liveFigure() expects a Figure, e.g. liveFigure(linePlot([]))");
    }
    this.current = initial;
    this.output = output;
    if (kernelHost() !== undefined && takeEmbeddingTurn()) {
      // plotly.js goes into an output of its own that stays, rather than into a live output whose later updates
      // (which must not carry 4.6 MB each) would replace it in the saved notebook.
      display(plotlyLoader());
    }
    this.output.show(this.snapshot());
  }

  /** The figure shown now. */
  get figure(): Figure {
    return this.current;
  }

  /** Replaces the figure; the output is redrawn at most 5 times per second, always with the newest figure. */
  update(figure: Figure): void {
    if (!(figure instanceof Figure)) throw new TypeError("LiveFigure.update() expects a Figure");
    if (this.finished) return;
    this.current = figure;
    this.output.show(this.snapshot());
  }

  /** Sends the final figure at once (optionally a new one); later updates are ignored. */
  finish(figure?: Figure): void {
    if (this.finished) return;
    if (figure !== undefined) this.current = figure;
    this.finished = true;
    this.output.show(this.snapshot(), true);
  }

  private snapshot(): Displayable {
    const figure = this.current;
    return {
      [JUPYTER_DISPLAY]: () => figure.toBundle("never"),
      toString: () => figure.toString(),
    } as Displayable;
  }
}

/** An output whose only job is to bring plotly.js onto the page. */
function plotlyLoader(): Displayable {
  return {
    [JUPYTER_DISPLAY]: (): MimeBundle =>
      mimeBundle({
        text: "(plotly.js for the figures below)",
        html: `<script type="text/javascript">${plotlySource()}</script>`,
      }),
  };
}

/**
 * Shows `initial` and returns a handle whose `update(figure)` redraws that same output in place, throttled to at most
 * 5 redraws per second; `finish()` always sends the final state.
 *
 * @example
 * ```ts
 * const live = liveFigure(linePlot({ loss: [] }));
 * // in a training callback:
 * live.update(linePlot({ loss: losses }));
 * ```
 */
export function liveFigure(initial: Figure): LiveFigure {
  return new LiveFigure(initial);
}
