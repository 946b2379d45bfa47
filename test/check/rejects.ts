import { strict as assert } from "assert";
import { check, ExerciseFailure } from "../../src/check";

/** Asserts that checking `answer` throws an ExerciseFailure whose message matches `pattern`. */
export function rejects(id: string, answer: unknown, pattern: RegExp, context?: Record<string, unknown>): void {
  assert.throws(
    () => check.exercise(id, answer, context),
    (error: unknown) => error instanceof ExerciseFailure && pattern.test(error.message),
  );
}
