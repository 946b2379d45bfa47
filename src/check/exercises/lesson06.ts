import * as tf from "@tensorflow/tfjs-core";
import { LessonExercises } from "../exercise";
import { EvaluationLike, expectEvaluation, expectNumber, expectRecord } from "../expect";
import { fail } from "../failure";

/** The temperatures exercise 06-3 tries. */
const temperatures = [0.5, 0.75, 1, 1.25, 1.5, 2];

/** Mean cross-entropy of softmax(log p / T) against the labels, p being an evaluation's probabilities. */
function meanCrossEntropy(probabilities: Float32Array, labels: ArrayLike<number>, temperature: number): number {
  const count = labels.length;
  const classes = probabilities.length / count;
  return tf.tidy(() => {
    const logits = tf.tensor2d(probabilities, [count, classes]).maximum(1e-7).log().div(temperature);
    const logSoftmax = tf.logSoftmax(logits);
    const picked = logSoftmax.mul(tf.oneHot(tf.tensor1d(Array.from(labels), "int32"), classes)).sum(1);
    return -picked.mean().dataSync()[0];
  });
}

/** The evaluation passed by the check cell: its probabilities [count × classes] and labels. */
function evaluationOf(context: Record<string, unknown>): EvaluationLike {
  return expectEvaluation(context, {
    en: "the check needs the lesson's `evaluation`: run the cell that trains LeNet-5 and evaluates it, then this one.",
    ko: "확인에 수업의 `evaluation`이 필요합니다. LeNet-5를 학습하고 평가하는 셀을 실행한 뒤 이 셀을 다시 실행하세요.",
  });
}

/** Lesson 6 (flatten, fully connected, softmax): a dense layer's size, softmax of two classes, temperature. */
export const lesson06: LessonExercises = {
  "06-1": (answer) => {
    const parameters = expectNumber(answer, "vggParameters");
    const inputs = 7 * 7 * 512;
    const right = inputs * 4096 + 4096;
    if (parameters === inputs * 4096) {
      fail({
        en: `${parameters.toLocaleString("en-US")} counts the weights only; add one bias per unit (4,096).`,
        ko: `${parameters.toLocaleString("en-US")}은(는) 가중치만 센 값입니다. 유닛마다 하나씩 있는 편향(bias) 4,096개를 더하세요.`,
      });
    }
    if (parameters !== right) {
      fail({
        en: `${parameters.toLocaleString("en-US")} is not the count. The flattened vector has 7 · 7 · 512 = 25,088 values; each of the 4,096 units has one weight per value plus a bias. Read it from \`summary(vggHead).trainableParameters\`.`,
        ko: `${parameters.toLocaleString("en-US")}은(는) 맞는 개수가 아닙니다. 플래튼한 벡터는 7 · 7 · 512 = 25,088개 값이고, 4,096개 유닛마다 값 하나당 가중치 하나와 편향 하나가 있습니다. \`summary(vggHead).trainableParameters\`에서 읽으세요.`,
      });
    }
    return {
      en: `25,088 × 4,096 weights + 4,096 biases = ${right.toLocaleString("en-US")} parameters.`,
      ko: `가중치 25,088 × 4,096개 + 편향 4,096개 = 파라미터 ${right.toLocaleString("en-US")}개입니다.`,
    };
  },

  "06-2": (answer) => {
    const pair = expectRecord(answer, "twoClasses", ["softmax", "sigmoid"]);
    const softmax = expectNumber(pair.softmax, "twoClasses.softmax");
    const sigmoid = expectNumber(pair.sigmoid, "twoClasses.sigmoid");
    const right = 1 / (1 + Math.exp(-(1.3 - -0.4)));
    if (Math.abs(softmax - right) > 1e-5) {
      fail({
        en: `\`twoClasses.softmax\` is ${softmax.toFixed(6)}; softmax([1.3, −0.4])[0] is ${right.toFixed(6)}. Take element 0 of \`tf.softmax(pair)\`.`,
        ko: `\`twoClasses.softmax\`가 ${softmax.toFixed(6)}입니다. softmax([1.3, −0.4])[0]은 ${right.toFixed(6)}입니다. \`tf.softmax(pair)\`의 0번 원소를 쓰세요.`,
      });
    }
    if (Math.abs(sigmoid - right) > 1e-5) {
      const hint = Math.abs(sigmoid - (1 - right)) < 1e-5 ? " (that is sigmoid(b − a): subtract b from a)" : "";
      const hintKo = Math.abs(sigmoid - (1 - right)) < 1e-5 ? "(그것은 sigmoid(b − a)입니다. a에서 b를 빼세요)" : "";
      fail({
        en: `\`twoClasses.sigmoid\` is ${sigmoid.toFixed(6)}${hint}; it should be sigmoid(a − b) = sigmoid(1.3 − (−0.4)) = ${right.toFixed(6)}, equal to the softmax.`,
        ko: `\`twoClasses.sigmoid\`가 ${sigmoid.toFixed(6)}입니다${hintKo}. sigmoid(a − b) = sigmoid(1.3 − (−0.4)) = ${right.toFixed(6)}이어야 하며, 소프트맥스 값과 같습니다.`,
      });
    }
    return {
      en: `both are ${right.toFixed(6)}: e^a / (e^a + e^b) = 1 / (1 + e^(b − a)) = sigmoid(a − b).`,
      ko: `둘 다 ${right.toFixed(6)}입니다. e^a / (e^a + e^b) = 1 / (1 + e^(b − a)) = sigmoid(a − b)입니다.`,
    };
  },

  "06-3": (answer, context) => {
    const temperature = expectNumber(answer, "bestTemperature");
    if (!(temperature > 0)) {
      fail({
        en: `a temperature must be positive, but \`bestTemperature\` is ${temperature}.`,
        ko: `온도는 양수여야 하는데 \`bestTemperature\`가 ${temperature}입니다.`,
      });
    }
    const { probabilities, labels } = evaluationOf(context);
    const losses = temperatures.map((t) => meanCrossEntropy(probabilities, labels, t));
    const best = Math.min(...losses);
    const bestT = temperatures[losses.indexOf(best)];
    const yours = meanCrossEntropy(probabilities, labels, temperature);
    if (yours > best + 1e-4) {
      fail({
        en: `at T = ${temperature} the mean test cross-entropy is ${yours.toFixed(4)}, but T = ${bestT} gives ${best.toFixed(4)}. Compute the loss of softmax(log p / T) for every T in ${temperatures.join(", ")} and keep the T with the smallest.`,
        ko: `T = ${temperature}에서 평균 테스트 교차 엔트로피가 ${yours.toFixed(4)}인데, T = ${bestT}에서는 ${best.toFixed(4)}입니다. ${temperatures.join(", ")}의 각 T에 대해 softmax(log p / T)의 손실을 계산하고 가장 작은 T를 고르세요.`,
      });
    }
    return {
      en: `T = ${temperature} gives mean test cross-entropy ${yours.toFixed(4)} (T = 1: ${losses[temperatures.indexOf(1)].toFixed(4)}).`,
      ko: `T = ${temperature}에서 평균 테스트 교차 엔트로피가 ${yours.toFixed(4)}입니다(T = 1에서는 ${losses[temperatures.indexOf(1)].toFixed(4)}).`,
    };
  },
};
