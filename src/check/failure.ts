import { Bilingual, editionLanguage } from "./language";

/**
 * A wrong or missing answer to an exercise. Its message says what is wrong and what to do, in the edition's
 * language; nbgrader counts a check cell that throws it as failed.
 */
export class ExerciseFailure extends Error {
  constructor(exercise: string, message: Bilingual) {
    const language = editionLanguage();
    const prefix = language === "ko" ? `연습 ${exercise}` : `Exercise ${exercise}`;
    super(`${prefix}: ${message[language]}`);
    this.name = "ExerciseFailure";
  }
}

/**
 * What an exercise's check throws when the answer is wrong: `fail({ en: "…", ko: "…" })`. The check function turns
 * it into an {@link ExerciseFailure} that names the exercise.
 */
export class WrongAnswer {
  constructor(readonly message: Bilingual) {}
}

/** Throws a {@link WrongAnswer} with the message for both editions. */
export function fail(message: Bilingual): never {
  throw new WrongAnswer(message);
}
