import { LessonExercises } from "../exercise";
import { lesson00 } from "./lesson00";
import { lesson01 } from "./lesson01";
import { lesson02 } from "./lesson02";
import { lesson03 } from "./lesson03";
import { lesson04 } from "./lesson04";
import { lesson05 } from "./lesson05";
import { lesson06 } from "./lesson06";
import { lesson07 } from "./lesson07";
import { lesson08 } from "./lesson08";

/** Every lesson's exercises by id ("02-1"); the lessons' check cells name them. */
export const exercises: LessonExercises = {
  ...lesson00,
  ...lesson01,
  ...lesson02,
  ...lesson03,
  ...lesson04,
  ...lesson05,
  ...lesson06,
  ...lesson07,
  ...lesson08,
};
