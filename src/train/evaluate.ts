import * as tf from "@tensorflow/tfjs";
import { DatasetSplit, ImageDataset } from "../data";
import { backendReady } from "../engine";
import { kernelHost } from "../contract";
import { barChartSvg, confusionMatrixHtml, evaluationHtml, ImageGrid, misclassifiedHtml, tableText } from "../display";
import { barPlot, confusionMatrixPlot, Figure } from "../plot";
import { argMax, predictAll } from "./metrics";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Images per forward pass (default 256). */
  batchSize?: number;
  /** Stops early when aborted; default the kernel's interrupt signal. */
  signal?: AbortSignal;
}

/**
 * The result of {@link evaluate}: predictions for every example and the metrics built from them. Displays as the
 * overall and per-class accuracy and the confusion matrix.
 */
export class Evaluation {
  /** Predicted class of each example. */
  readonly predicted: Uint8Array;
  /** True class of each example. */
  readonly labels: Uint8Array;
  /** Fraction of examples classified right. */
  readonly accuracy: number;
  /** Mean cross-entropy. */
  readonly loss: number;
  /** Accuracy within each true class (NaN for a class without examples). */
  readonly perClassAccuracy: number[];
  /** counts[true][predicted]. */
  readonly confusion: number[][];

  /**
   * @param dataset - the evaluated examples.
   * @param probabilities - softmax outputs, [count × classes] row-major.
   */
  constructor(
    readonly dataset: ImageDataset,
    readonly probabilities: Float32Array,
  ) {
    const classes = dataset.classes;
    this.labels = dataset.labelArray();
    this.predicted = new Uint8Array(dataset.count);
    this.confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    let correct = 0;
    let loss = 0;
    for (let i = 0; i < dataset.count; i++) {
      const row = this.row(i);
      const p = argMax(row);
      this.predicted[i] = p;
      this.confusion[this.labels[i]][p]++;
      if (p === this.labels[i]) correct++;
      loss -= Math.log(Math.min(1, Math.max(1e-7, row[this.labels[i]])));
    }
    this.accuracy = correct / dataset.count;
    this.loss = loss / dataset.count;
    this.perClassAccuracy = this.confusion.map((r, c) => r[c] / r.reduce((a, b) => a + b, 0));
  }

  get classNames(): readonly string[] {
    return this.dataset.classNames;
  }

  /** The class probabilities of example i. */
  row(i: number): Float32Array {
    const classes = this.dataset.classes;
    return this.probabilities.subarray(i * classes, (i + 1) * classes);
  }

  /**
   * The `count` most probable classes of one example, most probable first: `topClassesOf(0)` is the model's top-3
   * for example 0.
   *
   * @param example - index of the example in the evaluated dataset.
   * @param count - how many classes (default 3).
   */
  topClassesOf(example: number, count = 3): { classIndex: number; className: string; probability: number }[] {
    if (!Number.isInteger(example) || example < 0 || example >= this.labels.length) {
      throw new RangeError(
        `topClassesOf(${example}): the example index must be an integer in 0..${this.labels.length - 1}`,
      );
    }
    const row = this.row(example);
    return Array.from(row, (probability, classIndex) => ({
      classIndex,
      probability,
      className: this.classNames[classIndex],
    }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, count);
  }

  /** Indices of the misclassified examples, most confident mistakes first. */
  misclassifiedIndices(): number[] {
    const wrong: number[] = [];
    for (let i = 0; i < this.labels.length; i++) if (this.predicted[i] !== this.labels[i]) wrong.push(i);
    return wrong.sort((a, b) => this.row(b)[this.predicted[b]] - this.row(a)[this.predicted[a]]);
  }

  /**
   * The misclassified images (most confident mistakes first), each with its true class and its top-3 predicted
   * classes with probabilities.
   */
  misclassified(count = 16): Misclassified {
    const indices = this.misclassifiedIndices().slice(0, count);
    if (indices.length === 0) throw new Error("misclassified(): every example was classified right");
    return new Misclassified(
      this.dataset,
      indices.map((i) => ({
        index: i,
        trueClass: this.classNames[this.labels[i]],
        top: this.topClassesOf(i),
      })),
      this.misclassifiedIndices().length,
    );
  }

  /** A bar chart of the predicted probabilities of example i. */
  prediction(i: number): ProbabilityChart {
    return new ProbabilityChart(
      this.classNames,
      Array.from(this.row(i)),
      this.labels[i],
      `example ${i}: true ${this.classNames[this.labels[i]]}, predicted ${this.classNames[this.predicted[i]]}`,
    );
  }

  /** The confusion matrix as an interactive heatmap figure (the plot library's confusionMatrixPlot). */
  confusionMatrixFigure(): Figure {
    return confusionMatrixPlot(this.confusion, [...this.classNames], {
      title: `confusion matrix, ${this.dataset.name}`,
    });
  }

  /** The confusion matrix as a colour-coded table (rows: true class, columns: predicted class). */
  confusionMatrix(): ConfusionMatrix {
    return new ConfusionMatrix(this.confusion, this.classNames);
  }

  toString(): string {
    const lines = [
      `accuracy ${(100 * this.accuracy).toFixed(2)}% on ${this.dataset.count} examples ` +
        `(${this.dataset.name}), loss ${this.loss.toFixed(4)}`,
    ];
    this.perClassAccuracy.forEach((a, c) => lines.push(`  ${this.classNames[c].padEnd(12)} ${(100 * a).toFixed(1)}%`));
    return lines.join("\n");
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const headline =
      `accuracy ${(100 * this.accuracy).toFixed(2)}% on ${this.dataset.count} examples ` +
      `(${this.dataset.name}), loss ${this.loss.toFixed(4)}`;
    const perClass = barChartSvg(this.classNames, this.perClassAccuracy, {
      title: "accuracy per class",
      max: 1,
      format: (v) => `${(100 * v).toFixed(1)}%`,
    });
    return {
      "text/plain": this.toString(),
      "text/html": evaluationHtml(headline, perClass, this.confusionMatrix().toHtml()),
    };
  }
}

/** One misclassified example: its index in the dataset, true class and top-3 predictions. */
export interface MisclassifiedExample {
  index: number;
  trueClass: string;
  top: { classIndex: number; className: string; probability: number }[];
}

/**
 * Misclassified examples: in a notebook a grid of the images, each captioned with the true class and the top-3
 * predictions; `picture()` is the same as one PNG with shorter labels.
 */
export class Misclassified {
  constructor(
    readonly dataset: ImageDataset,
    readonly examples: MisclassifiedExample[],
    readonly total: number,
  ) {}

  /** Number of examples shown. */
  get count(): number {
    return this.examples.length;
  }

  /** All shown images as one PNG grid, labelled "true → predicted". */
  picture(): ImageGrid {
    return new ImageGrid({
      tiles: this.examples.map((e) => ({
        ...this.tile(e.index),
        label: `${e.trueClass} → ${e.top[0].className}`,
        labelColor: "#d62728",
      })),
      columns: Math.min(8, this.examples.length),
      colormap: "grey",
      text: this.toString(),
      title: `${this.examples.length} of ${this.total} misclassified (true → predicted)`,
    });
  }

  toString(): string {
    return [
      `${this.examples.length} of ${this.total} misclassified in ${this.dataset.name}:`,
      ...this.examples.map(
        (e) =>
          `  #${e.index} true ${e.trueClass}: ${e.top.map((t) => `${t.className} ${t.probability.toFixed(3)}`).join(", ")}`,
      ),
    ].join("\n");
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const cards = this.examples.map((e) => ({
      png: new ImageGrid({ tiles: [this.tile(e.index)], columns: 1, colormap: "grey", scale: 3, text: "" })
        .toPng()
        .toString("base64"),
      index: e.index,
      trueClass: e.trueClass,
      top: e.top,
    }));
    return {
      "text/plain": this.toString(),
      "text/html": misclassifiedHtml(
        `${this.examples.length} of ${this.total} misclassified (top-3 probabilities)`,
        cards,
      ),
      "image/png": this.picture()[JUPYTER_DISPLAY]()["image/png"],
    };
  }

  private tile(index: number) {
    const d = this.dataset;
    return {
      raster: { height: d.height, width: d.width, channels: d.channels, values: d.imageBytes(index) },
      range: [0, 255] as const,
    };
  }
}

/** A confusion matrix that displays as a table shaded by count. */
export class ConfusionMatrix {
  constructor(
    readonly counts: number[][],
    readonly classNames: readonly string[],
  ) {}

  toHtml(): string {
    return confusionMatrixHtml(this.counts, this.classNames, "confusion matrix (rows: true, columns: predicted)");
  }

  toString(): string {
    return tableText({
      title: "confusion matrix (rows: true, columns: predicted)",
      columns: ["", ...this.classNames],
      rows: this.counts.map((row, t) => [this.classNames[t], ...row.map(String)]),
      numeric: [false, ...this.classNames.map(() => true)],
    });
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": this.toHtml() };
  }
}

/** Class probabilities for one image as a bar chart; the true class (when known) is drawn in red. */
export class ProbabilityChart {
  constructor(
    readonly classNames: readonly string[],
    readonly probabilities: number[],
    readonly trueClass: number | undefined,
    readonly title: string,
  ) {}

  /** The same chart as an interactive figure (the plot library's barPlot). */
  figure(): Figure {
    const values: Record<string, number> = {};
    this.classNames.forEach((name, i) => {
      values[name] = this.probabilities[i];
    });
    return barPlot(values, { title: this.title, horizontal: true });
  }

  toString(): string {
    return tableText({
      title: this.title,
      columns: ["class", "probability"],
      rows: this.classNames.map((n, i) => [n, this.probabilities[i].toFixed(4)]),
      numeric: [false, true],
    });
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return {
      "text/plain": this.toString(),
      "text/html": barChartSvg(this.classNames, this.probabilities, {
        title: this.title,
        max: 1,
        highlight: this.trueClass,
      }),
    };
  }
}

/**
 * Evaluates a classifier on a dataset (a split's test set when given `{ train, test }`): accuracy, per-class
 * accuracy, confusion matrix, and the predictions for `misclassified()` and `prediction(i)`.
 */
export async function evaluate(
  model: tf.LayersModel,
  data: ImageDataset | DatasetSplit,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  await backendReady();
  const dataset = data instanceof ImageDataset ? data : data.test;
  if (!(dataset instanceof ImageDataset)) {
    throw new Error("evaluate(model, data): data must be an ImageDataset or { train, test }");
  }
  const probabilities = await predictAll(
    model,
    dataset,
    options.batchSize ?? 256,
    options.signal ?? kernelHost()?.signal,
  );
  if (!probabilities) throw interrupted();
  return new Evaluation(dataset, probabilities);
}

/**
 * A bar chart of the class probabilities the model gives one image: `predictionChart(model, data.test, 0)` or
 * `predictionChart(model, imageTensor, classNames)`.
 */
export async function predictionChart(
  model: tf.LayersModel,
  image: tf.Tensor | ImageDataset,
  indexOrClassNames?: number | readonly string[],
): Promise<ProbabilityChart> {
  await backendReady();
  let input: tf.Tensor;
  let classNames: readonly string[] | undefined;
  let trueClass: number | undefined;
  let title = "prediction";
  if (image instanceof ImageDataset) {
    const index = typeof indexOrClassNames === "number" ? indexOrClassNames : 0;
    input = image.image(index);
    classNames = image.classNames;
    trueClass = image.label(index);
    title = `${image.name} #${index}, true class ${classNames[trueClass]}`;
  } else {
    input = image;
    if (Array.isArray(indexOrClassNames)) classNames = indexOrClassNames;
  }
  const probabilities = tf.tidy(() => {
    const x = input.rank === 3 ? input.expandDims(0) : input;
    if (x.rank !== 4 || x.shape[0] !== 1) {
      throw new Error(`predictionChart: expected one image [h,w,c] or [1,h,w,c], got [${input.shape.join(",")}]`);
    }
    return model.predict(x) as tf.Tensor;
  });
  const values = Array.from(await probabilities.data());
  probabilities.dispose();
  if (image instanceof ImageDataset) input.dispose();
  const names = classNames ?? values.map((_, i) => String(i));
  return new ProbabilityChart(names, values, trueClass, `${title}: predicted ${names[argMax(values)]}`);
}

function interrupted(): Error {
  const error = new Error("evaluation interrupted");
  error.name = "KeyboardInterrupt";
  return error;
}
