import { Tensor } from "@tensorflow/tfjs-core";
import { isTensor } from "../display";
import { fail } from "./failure";
import { Bilingual } from "./language";

/**
 * The checks' common demands on an answer, each failing with a message a student can act on. `name` is how the
 * lesson's cell calls the answer (`grey`, `outputSide`).
 */

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (isTensor(value)) return `a ${value.rank}-D tensor`;
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** The answer as a finite number, or a failure naming what it is instead. */
export function expectNumber(answer: unknown, name: string): number {
  if (typeof answer !== "number" || !Number.isFinite(answer)) {
    fail({
      en: `\`${name}\` should be a finite number, but it is ${typeof answer === "number" ? answer : kindOf(answer)}.`,
      ko: `\`${name}\`은(는) 유한한 수여야 하는데 지금은 ${typeof answer === "number" ? answer : kindOf(answer)}입니다.`,
    });
  }
  return answer;
}

/** The answer as a tensor of the given shape (`null` for a free axis), or a failure naming the shape it has. */
export function expectTensor(answer: unknown, name: string, shape?: Array<number | null>): Tensor {
  if (!isTensor(answer)) {
    fail({
      en: `\`${name}\` should be a tensor, but it is ${kindOf(answer)}.`,
      ko: `\`${name}\`은(는) 텐서여야 하는데 지금은 ${kindOf(answer)}입니다.`,
    });
  }
  if (answer.isDisposed) {
    fail({
      en: `\`${name}\` has been disposed; keep the tensor (do not dispose it or compute it inside tf.tidy).`,
      ko: `\`${name}\` 텐서가 이미 해제(dispose)되었습니다. tf.tidy 밖에서 만들고 dispose하지 마세요.`,
    });
  }
  if (shape !== undefined) {
    const fits =
      answer.rank === shape.length && shape.every((size, axis) => size === null || size === answer.shape[axis]);
    if (!fits) {
      const wanted = `[${shape.map((size) => size ?? "any").join(", ")}]`;
      fail({
        en: `\`${name}\` has shape [${answer.shape.join(", ")}]; it should have shape ${wanted}.`,
        ko: `\`${name}\`의 모양(shape)이 [${answer.shape.join(", ")}]입니다. ${wanted}이어야 합니다.`,
      });
    }
  }
  return answer;
}

/** The answer as an object with the given keys, or a failure naming the missing ones. */
export function expectRecord(answer: unknown, name: string, keys: string[]): Record<string, unknown> {
  if (typeof answer !== "object" || answer === null || Array.isArray(answer) || isTensor(answer)) {
    fail({
      en: `\`${name}\` should be an object with ${keys.map((key) => `\`${key}\``).join(", ")}, but it is ${kindOf(answer)}.`,
      ko: `\`${name}\`은(는) ${keys.map((key) => `\`${key}\``).join(", ")}을(를) 가진 객체여야 하는데 지금은 ${kindOf(answer)}입니다.`,
    });
  }
  const record = answer as Record<string, unknown>;
  const missing = keys.filter((key) => record[key] === undefined);
  if (missing.length > 0) {
    fail({
      en: `\`${name}\` has no ${missing.map((key) => `\`${key}\``).join(", ")} yet.`,
      ko: `\`${name}\`에 아직 ${missing.map((key) => `\`${key}\``).join(", ")}이(가) 없습니다.`,
    });
  }
  return record;
}

/** The largest absolute difference between two tensors of one shape (a number, read synchronously). */
export function largestDifference(a: Tensor, b: Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let largest = 0;
  for (let i = 0; i < x.length; i++) largest = Math.max(largest, Math.abs(x[i] - y[i]));
  return largest;
}

/** What the checks read of an `evaluate()` result that a check cell passes as `context.evaluation`. */
export interface EvaluationLike {
  probabilities: Float32Array;
  labels: ArrayLike<number>;
  confusion: number[][];
}

/**
 * The lesson's `evaluation` from the check cell's context (with its confusion matrix when `confusion` is set), or a
 * failure saying which cell to run (`missing`).
 */
export function expectEvaluation(
  context: Record<string, unknown>,
  missing: Bilingual,
  { confusion = false }: { confusion?: boolean } = {},
): EvaluationLike {
  const evaluation = context.evaluation as Partial<EvaluationLike> | undefined;
  if (
    !(evaluation?.probabilities instanceof Float32Array) ||
    (confusion && !Array.isArray(evaluation.confusion)) ||
    evaluation.labels === undefined
  ) {
    fail(missing);
  }
  return evaluation as EvaluationLike;
}
