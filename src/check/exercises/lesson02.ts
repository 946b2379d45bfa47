import * as tf from "@tensorflow/tfjs-core";
import { LessonExercises } from "../exercise";
import { expectNumber, expectTensor, largestDifference } from "../expect";
import { fail } from "../failure";

/** A 9×9 picture of a one-pixel line: "\\" from top left to bottom right, "/" the other diagonal, "-" or "|". */
function stroke(direction: "\\" | "/" | "-" | "|"): tf.Tensor4D {
  const pixels = new Float32Array(81);
  for (let i = 0; i < 9; i++) {
    const [row, column] = { "\\": [i, i], "/": [i, 8 - i], "-": [4, i], "|": [i, 4] }[direction];
    pixels[row * 9 + column] = 1;
  }
  return tf.tensor4d(pixels, [1, 9, 9, 1]);
}

/** Lesson 2 (convolution): output size, a diagonal-edge kernel, learning a blur kernel. */
export const lesson02: LessonExercises = {
  "02-1": (answer) => {
    const side = expectNumber(answer, "outputSide");
    if (side !== 14) {
      fail({
        en: `${side} is not the output side. Use ⌊(n + 2p − k) / s⌋ + 1 with n = 32, k = 5, s = 2 and p = 0 ("valid" means no padding).`,
        ko: `${side}은(는) 출력 크기가 아닙니다. ⌊(n + 2p − k) / s⌋ + 1에 n = 32, k = 5, s = 2, p = 0을 넣으세요("valid"는 패딩이 없다는 뜻입니다).`,
      });
    }
    return {
      en: "⌊(32 − 5) / 2⌋ + 1 = 14, so the output is 14×14.",
      ko: "⌊(32 − 5) / 2⌋ + 1 = 14이므로 출력은 14×14입니다.",
    };
  },

  "02-2": (answer) => {
    const kernel = expectTensor(answer, "diagonal", [3, 3, 1, 1]);
    const responses = tf.tidy(() => {
      const strongest = (direction: "\\" | "/" | "-" | "|") =>
        tf
          .conv2d(stroke(direction), kernel as tf.Tensor4D, 1, "valid")
          .max()
          .dataSync()[0];
      return { diagonal: strongest("\\"), other: strongest("/"), horizontal: strongest("-"), vertical: strongest("|") };
    });
    const rival = Math.max(responses.other, responses.horizontal, responses.vertical);
    if (!(responses.diagonal > 0) || responses.diagonal < 1.5 * rival) {
      fail({
        en:
          `on a thin stroke your kernel's strongest response is ${responses.diagonal.toFixed(2)} for "\\", ` +
          `${responses.other.toFixed(2)} for "/", ${responses.horizontal.toFixed(2)} for "-" and ${responses.vertical.toFixed(2)} for "|". ` +
          `It should answer "\\" at least 1.5 times as strongly as any other: large weights on the diagonal from top left to bottom right, negative ones off it.`,
        ko:
          `가는 선에 대한 커널의 가장 큰 응답이 "\\"에 ${responses.diagonal.toFixed(2)}, "/"에 ${responses.other.toFixed(2)}, ` +
          `"-"에 ${responses.horizontal.toFixed(2)}, "|"에 ${responses.vertical.toFixed(2)}입니다. "\\"에 다른 어느 방향보다 1.5배 이상 강하게 ` +
          `반응해야 합니다. 왼쪽 위에서 오른쪽 아래로 가는 대각선에는 큰 가중치를, 나머지에는 음의 가중치를 두세요.`,
      });
    }
    return {
      en: `it answers a "\\" stroke with ${responses.diagonal.toFixed(2)}, every other direction with at most ${rival.toFixed(2)}.`,
      ko: `"\\" 방향 선에 ${responses.diagonal.toFixed(2)}, 다른 방향에는 많아야 ${rival.toFixed(2)}로 반응합니다.`,
    };
  },

  "02-3": (answer) => {
    const kernel = expectTensor(answer, "guess", [3, 3, 1, 1]);
    const error = tf.tidy(() => largestDifference(kernel, tf.fill([3, 3, 1, 1], 1 / 9)));
    if (error > 0.02) {
      fail({
        en: `your kernel differs from 1/9 ≈ 0.111 by up to ${error.toFixed(3)}; it should be within 0.02. Train it as in the last section (Adam, 300 steps) with the blur kernel's output as the target.`,
        ko: `커널이 1/9 ≈ 0.111과 최대 ${error.toFixed(3)}만큼 다릅니다. 0.02 이내여야 합니다. 마지막 절처럼(Adam, 300 스텝) 블러 커널의 출력을 목표로 학습시키세요.`,
      });
    }
    return {
      en: `every weight is within ${error.toExponential(1)} of 1/9.`,
      ko: `모든 가중치가 1/9과 ${error.toExponential(1)} 이내로 같습니다.`,
    };
  },
};
