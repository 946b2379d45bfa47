/** The two languages of the course's editions. */
export type Language = "en" | "ko";

/** A sentence in both editions' languages; a check's messages are written once, in both. */
export interface Bilingual {
  en: string;
  ko: string;
}

/**
 * The language of the edition a check runs in. JupyterLab starts a notebook's kernel in the notebook's folder, and
 * the Korean editions live under `notebooks/ko/`, so a `ko` folder on the way to the working directory means Korean.
 * The check cells are shared by all editions, so this is the only way they can answer in the student's language.
 */
export function editionLanguage(directory: string = process.cwd()): Language {
  return directory.split(/[\\/]/).includes("ko") ? "ko" : "en";
}
