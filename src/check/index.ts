/**
 * Check: the lessons' exercise checks, `check.exercise("02-1", answer)`, for the student editions and nbgrader.
 *
 * @packageDocumentation
 */
export { check, ExercisePassed } from "./check";
export { ExerciseFailure } from "./failure";
export { editionLanguage } from "./language";
export type { Bilingual, Language } from "./language";
