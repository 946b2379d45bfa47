import * as fs from "fs";
import { writeFileAtomically } from "../files";
import * as tf from "@tensorflow/tfjs";
import { DatasetSplit } from "../data";
import { backendReady } from "../engine";
import { kernelHost } from "../contract";
import { formatCount, lineChartSvg, sideBySideHtml, tableHtml, tableText } from "../display";
import { cnn, CnnOptions, summary } from "../models";
import { evaluate } from "./evaluate";
import { train, TrainOptions } from "./train";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";

/**
 * One finished configuration of a sweep. `Config` is the type of the configurations given to {@link sweep}, so
 * `row.config.depth` has the type the configuration gave it.
 */
export interface SweepRow<Config extends object = Record<string, unknown>> {
  /** The configuration, as given. */
  config: Config;
  /** Stable key of the configuration (sorted JSON); rows with a known key are skipped on resume. */
  key: string;
  parameters: number;
  /** Multiply-accumulates per image, forward. */
  macs: number;
  epochs: number;
  secondsPerEpoch: number;
  /**
   * Accuracy on the training images after training, in inference mode like `testAccuracy` (not the running average
   * of the last epoch, which mixes weights from the whole epoch and, with batch norm, uses batch statistics).
   */
  trainAccuracy: number;
  testAccuracy: number;
}

/** Options of {@link sweep}. */
export interface SweepOptions<Config extends object = Record<string, unknown>> extends Omit<
  TrainOptions,
  "validation" | "onEpochEnd"
> {
  /** Builds a model from a configuration (default {@link cnn}, given the configuration as its options). */
  build?: (config: Config) => tf.LayersModel;
  /** Rows already done (e.g. the `rows` of an earlier interrupted sweep): their configurations are skipped. */
  results?: SweepRow<Config>[];
  /** A JSON file that holds the rows: read at the start (if it exists), rewritten after each configuration. */
  file?: string;
}

/**
 * The rows of a sweep; displays as a table and two charts (test accuracy against parameters, and against seconds
 * per epoch). `interrupted` tells whether configurations are missing.
 */
export class SweepResult<Config extends object = Record<string, unknown>> {
  constructor(
    readonly rows: SweepRow<Config>[],
    readonly interrupted: boolean,
  ) {}

  private content() {
    const configs = this.rows.map((r) => r.config as Record<string, unknown>);
    const keys = Array.from(new Set(configs.flatMap((config) => Object.keys(config))));
    return {
      title: `sweep: ${this.rows.length} configuration${this.rows.length === 1 ? "" : "s"}${this.interrupted ? " (interrupted)" : ""}`,
      columns: [...keys, "parameters", "MACs", "s/epoch", "train acc", "test acc"],
      rows: this.rows.map((r, i) => [
        ...keys.map((k) => (configs[i][k] === undefined ? "" : String(configs[i][k]))),
        formatCount(r.parameters),
        formatCount(r.macs),
        r.secondsPerEpoch.toFixed(1),
        r.trainAccuracy.toFixed(4),
        r.testAccuracy.toFixed(4),
      ]),
      numeric: [...keys.map(() => false), true, true, true, true, true],
    };
  }

  toString(): string {
    return tableText(this.content());
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const points = (x: (r: SweepRow<Config>) => number) =>
      this.rows.map((r) => [x(r), r.testAccuracy] as [number, number]);
    const charts = sideBySideHtml([
      lineChartSvg([{ name: "test", color: "#1f77b4", markers: true, points: sorted(points((r) => r.parameters)) }], {
        title: "test accuracy vs parameters",
        xLabel: "parameters (log)",
        logX: true,
      }),
      lineChartSvg(
        [{ name: "test", color: "#ff7f0e", markers: true, points: sorted(points((r) => r.secondsPerEpoch)) }],
        { title: "test accuracy vs time", xLabel: "seconds per epoch" },
      ),
    ]);
    return { "text/plain": this.toString(), "text/html": charts + tableHtml(this.content()) };
  }
}

/**
 * Trains one model per configuration (e.g. depth × width) and tabulates parameters, MACs, time per epoch and
 * train / test accuracy. Resumable: configurations already in `results` or in `file` are skipped, and `file` is
 * rewritten after each one. Interruptible: an interrupt stops the current configuration and returns the rows done.
 *
 * @example
 * ```ts
 * const configs = [2, 4, 6].flatMap((depth) => [8, 16].map((width) => ({ depth, width })));
 * const result = await sweep(configs, data, { epochs: 2, file: "sweep.json" });
 * ```
 */
export async function sweep<Config extends object>(
  configs: Config[],
  data: DatasetSplit,
  options: SweepOptions<Config> = {},
): Promise<SweepResult<Config>> {
  await backendReady();
  const rows: SweepRow<Config>[] = [...(options.results ?? [])];
  if (options.file && fs.existsSync(options.file)) {
    const saved = JSON.parse(fs.readFileSync(options.file, "utf8")) as SweepRow<Config>[];
    if (!Array.isArray(saved))
      throw new Error(`sweep: ${options.file} does not hold a JSON array of rows; move it away`);
    for (const row of saved) if (!rows.some((r) => r.key === row.key)) rows.push(row);
  }
  const build =
    options.build ??
    ((config: Config) =>
      cnn({
        inputShape: data.train.shape,
        classes: data.train.classes,
        ...(config as CnnOptions),
      }));
  const signal = options.signal ?? kernelHost()?.signal;
  for (const config of configs) {
    const key = configKey(config);
    if (rows.some((r) => r.key === key)) continue;
    if (signal?.aborted) return new SweepResult(rows, true);
    const model = build(config);
    try {
      const info = summary(model);
      const history = await train(model, data.train, { ...options, signal, validation: false });
      if (history.stopReason === "interrupted") return new SweepResult(rows, true);
      const trained = await evaluate(model, data.train, { signal });
      const test = await evaluate(model, data.test, { signal });
      rows.push({
        config,
        key,
        parameters: info.trainableParameters,
        macs: info.totalMacs,
        epochs: history.epochs.length,
        secondsPerEpoch: history.secondsPerEpoch,
        trainAccuracy: trained.accuracy,
        testAccuracy: test.accuracy,
      });
      // Atomically: a sweep killed while it saves keeps every earlier run on disk.
      if (options.file) writeFileAtomically(options.file, JSON.stringify(rows, null, 1));
    } catch (error) {
      if ((error as Error).name === "KeyboardInterrupt") return new SweepResult(rows, true);
      throw error;
    } finally {
      model.optimizer?.dispose();
      model.dispose();
    }
  }
  return new SweepResult(rows, false);
}

/** The key that identifies a configuration: JSON with sorted keys. */
export function configKey(config: object): string {
  return JSON.stringify(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sorted(points: [number, number][]): [number, number][] {
  return [...points].sort((a, b) => a[0] - b[0]);
}
