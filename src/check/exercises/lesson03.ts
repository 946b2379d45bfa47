import * as tf from "@tensorflow/tfjs-core";
import { LessonExercises } from "../exercise";
import { expectNumber, expectTensor, largestDifference } from "../expect";
import { fail } from "../failure";

/** The share of a tensor's values that are exactly zero. */
function zeroShare(t: tf.Tensor): number {
  const values = t.dataSync();
  return values.filter((v) => v === 0).length / values.length;
}

/** Lesson 3 (activation functions): ELU's derivative, ReLU after a shift, the tanh gradient experiment. */
export const lesson03: LessonExercises = {
  "03-1": (answer) => {
    const slope = expectTensor(answer, "eluSlope", [201]);
    const errors = tf.tidy(() => {
      const x = tf.linspace(-5, 5, 201);
      const expected = tf.where(x.greater(0), tf.onesLike(x), tf.exp(x));
      return {
        elu: largestDifference(slope, expected),
        relu: largestDifference(slope, tf.step(x)),
        function: largestDifference(slope, tf.elu(x)),
      };
    });
    if (errors.elu > 1e-3) {
      const hint =
        errors.relu < 1e-3
          ? {
              en: "this is ReLU's derivative (0 for x < 0), not ELU's.",
              ko: "이것은 ELU가 아니라 ReLU의 도함수(x < 0에서 0)입니다.",
            }
          : errors.function < 1e-3
            ? { en: "this is ELU itself, not its derivative.", ko: "이것은 도함수가 아니라 ELU 함수 자체입니다." }
            : {
                en: `it differs from ELU's derivative by up to ${errors.elu.toFixed(3)}.`,
                ko: `ELU의 도함수와 최대 ${errors.elu.toFixed(3)}만큼 다릅니다.`,
              };
      fail({
        en: `${hint.en} Compute \`eluSlope = tf.grad(elu)(x)\` on the section's \`x\` (201 points from −5 to 5).`,
        ko: `${hint.ko} 첫 절의 \`x\`(−5부터 5까지 201개 점)에서 \`eluSlope = tf.grad(elu)(x)\`를 계산하세요.`,
      });
    }
    return {
      en: "ELU's slope is e^x for x < 0: it fades smoothly towards 0 instead of dropping to 0 at once as ReLU's does.",
      ko: "ELU의 기울기는 x < 0에서 e^x입니다. ReLU처럼 단번에 0으로 떨어지지 않고 부드럽게 0에 가까워집니다.",
    };
  },

  "03-2": (answer, context) => {
    const share = expectNumber(answer, "zeroShare");
    const preActivation = expectTensor(context.preActivation, "preActivation");
    const [expected, unshifted] = tf.tidy(() => [
      zeroShare(tf.relu(preActivation.sub(1))),
      zeroShare(tf.relu(preActivation)),
    ]);
    if (Math.abs(share - expected) > 1e-6) {
      const hint =
        Math.abs(share - 100 * expected) < 1e-4
          ? {
              en: "give a fraction between 0 and 1, not a percentage.",
              ko: "백분율이 아니라 0과 1 사이의 비율로 쓰세요.",
            }
          : Math.abs(share - unshifted) < 1e-6
            ? { en: "that is the share before the shift.", ko: "이것은 이동하기 전의 비율입니다." }
            : { en: `${share} is not the share of zeros.`, ko: `${share}은(는) 0의 비율이 아닙니다.` };
      fail({
        en: `${hint.en} Count the values of \`tf.relu(preActivation.sub(1))\` that are exactly 0 and divide by the number of values.`,
        ko: `${hint.ko} \`tf.relu(preActivation.sub(1))\`의 값 가운데 정확히 0인 것을 세어 전체 값의 개수로 나누세요.`,
      });
    }
    return {
      en: `${(100 * expected).toFixed(1)}% of the values are zero after the shift, against ${(100 * unshifted).toFixed(1)}% before: far fewer units pass a gradient.`,
      ko: `이동 후에는 값의 ${(100 * expected).toFixed(1)}%가 0입니다(이동 전 ${(100 * unshifted).toFixed(1)}%). 기울기를 전달하는 유닛이 훨씬 적습니다.`,
    };
  },

  "03-3": (answer, context) => {
    const ratio = expectNumber(answer, "tanhFirstOverLast");
    const sigmoid = expectNumber(context.sigmoidFirstOverLast, "sigmoidFirstOverLast");
    const relu = expectNumber(context.reluFirstOverLast, "reluFirstOverLast");
    if (!(ratio > 0) || !Number.isFinite(ratio)) {
      fail({
        en: `${ratio} is not a ratio of two gradient norms; it must be a positive number. Divide the norm of conv1 by that of conv10.`,
        ko: `${ratio}은(는) 두 기울기 노름의 비가 아닙니다. 양수여야 합니다. conv1의 노름을 conv10의 노름으로 나누세요.`,
      });
    }
    for (const [name, value] of [
      ["sigmoid", sigmoid],
      ["ReLU", relu],
    ] as const) {
      if (Math.abs(ratio - value) <= 1e-9 * value) {
        fail({
          en: `this is the ${name} network's ratio. Build \`stack("tanh")\`, measure it with \`gradientNorms\` on \`batch\` and divide conv1's norm by conv10's.`,
          ko: `이것은 ${name} 네트워크의 비입니다. \`stack("tanh")\`를 만들어 \`batch\`로 \`gradientNorms\`를 측정하고 conv1의 노름을 conv10의 노름으로 나누세요.`,
        });
      }
    }
    const closer = Math.abs(Math.log10(ratio / relu)) < Math.abs(Math.log10(ratio / sigmoid)) ? "ReLU" : "sigmoid";
    return {
      en: `tanh's conv1 gradient is ${ratio.toExponential(1)} × conv10's; on a log scale that is closer to ${closer}.`,
      ko: `tanh에서 conv1의 기울기는 conv10의 ${ratio.toExponential(1)}배입니다. 로그 척도로 보면 ${closer}에 더 가깝습니다.`,
    };
  },
};
