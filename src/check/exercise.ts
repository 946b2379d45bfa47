import { Bilingual } from "./language";

/**
 * The check of one exercise: returns what was right about the answer (shown under the check cell) or calls
 * `fail(...)` with what is wrong and how to fix it. `answer` is what the student's cell produced, never undefined
 * (a blank answer is caught before); `context` is whatever lesson values the check cell passes along.
 */
export type ExerciseCheck = (answer: unknown, context: Record<string, unknown>) => Bilingual;

/** One lesson's exercises by id ("02-1", "02-2", …). */
export type LessonExercises = Record<string, ExerciseCheck>;
