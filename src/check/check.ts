import { JUPYTER_DISPLAY, MimeBundle } from "../contract";
import { display, exercisePassedHtml, mimeBundle } from "../display";
import { exercises } from "./exercises";
import { ExerciseFailure, WrongAnswer } from "./failure";
import { Bilingual, editionLanguage } from "./language";

/** What a passed check shows under its cell: a green line with what was right about the answer. */
export class ExercisePassed {
  constructor(
    readonly exercise: string,
    readonly detail: Bilingual,
  ) {}

  toString(): string {
    return `✓ ${this.heading()} ${this.detail[editionLanguage()]}`;
  }

  private heading(): string {
    return editionLanguage() === "ko" ? `연습 ${this.exercise} 통과:` : `Exercise ${this.exercise} passed:`;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return mimeBundle({
      text: this.toString(),
      html: exercisePassedHtml(this.heading(), this.detail[editionLanguage()]),
    });
  }
}

function isPromise(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Checks a student's answer to one of the lessons' exercises. Each exercise cell ends by assigning its answer, and
 * the check cell under it passes that answer (and any lesson values the check needs) here:
 *
 * @example
 * ```ts
 * check.exercise("02-1", outputSide)
 * ```
 *
 * A correct answer displays a green line saying what was right; a blank or wrong one throws an error whose message
 * says what is wrong and how to fix it, in the edition's language (Korean under `notebooks/ko/`). The checks are
 * plain library calls, so they work in any notebook and in nbgrader's autograder, where a check cell that throws
 * fails. The line is displayed rather than returned: nbgrader reads a check cell's value as partial credit.
 */
function exercise(id: string, answer: unknown, context: Record<string, unknown> = {}): void {
  const run = exercises[id];
  if (run === undefined) {
    const known = Object.keys(exercises).sort();
    throw new Error(`there is no exercise "${id}"; the exercises are ${known.join(", ")}`);
  }
  if (answer === undefined) {
    throw new ExerciseFailure(id, {
      en: "no answer yet. Write your code in the cell above so that it sets the answer, run that cell, then run this one.",
      ko: "아직 답이 없습니다. 위 셀에 답을 구하는 코드를 쓰고 그 셀을 실행한 다음 이 셀을 다시 실행하세요.",
    });
  }
  if (isPromise(answer)) {
    throw new ExerciseFailure(id, {
      en: "the answer is a Promise, not its value: put `await` before the call that computes it.",
      ko: "답이 값이 아니라 Promise입니다. 값을 구하는 호출 앞에 `await`를 붙이세요.",
    });
  }
  let detail: Bilingual;
  try {
    detail = run(answer, context);
  } catch (error) {
    if (error instanceof WrongAnswer) throw new ExerciseFailure(id, error.message);
    throw error;
  }
  display(new ExercisePassed(id, detail));
}

/** Checks for the lessons' exercises; see {@link exercise}. */
export const check = { exercise };
