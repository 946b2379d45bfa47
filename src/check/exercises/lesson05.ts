import * as tf from "@tensorflow/tfjs-core";
import { LessonExercises } from "../exercise";
import { expectNumber, expectRecord, expectTensor, largestDifference } from "../expect";
import { fail } from "../failure";

/** (x − mean) / sqrt(variance + ε) over `axes`, as the lesson's `normalizeOver`. */
function normalizeOver(x: tf.Tensor, axes: number[], epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, axes, true);
  return x.sub(mean).div(variance.add(epsilon).sqrt());
}

/** Lesson 5 (normalization): group norm's extremes, the moving mean, instance norm keeps the pattern. */
export const lesson05: LessonExercises = {
  "05-1": (answer, context) => {
    const features = expectTensor(context.features, "features", [null, null, null, null]);
    const epsilon = expectNumber(context.varianceEpsilon, "varianceEpsilon");
    const record = expectRecord(answer, "groupExtremes", ["asInstance", "asLayer"]);
    const asInstance = expectTensor(record.asInstance, "groupExtremes.asInstance", features.shape);
    const asLayer = expectTensor(record.asLayer, "groupExtremes.asLayer", features.shape);
    const [instanceError, layerError] = tf.tidy(() => [
      largestDifference(asInstance, normalizeOver(features, [1, 2], epsilon)),
      largestDifference(asLayer, normalizeOver(features, [1, 2, 3], epsilon)),
    ]);
    if (instanceError > 1e-3 || layerError > 1e-3) {
      fail({
        en: `\`asInstance\` differs from instance norm by up to ${instanceError.toExponential(1)} and \`asLayer\` from layer norm by up to ${layerError.toExponential(1)}; both should be within 1e-3. Apply \`groupNormalization({ groups: C, epsilon: varianceEpsilon })\` and \`groupNormalization({ groups: 1, epsilon: varianceEpsilon })\` to \`features\`.`,
        ko: `\`asInstance\`는 인스턴스 정규화와 최대 ${instanceError.toExponential(1)}, \`asLayer\`는 층 정규화와 최대 ${layerError.toExponential(1)}만큼 다릅니다. 둘 다 1e-3 이내여야 합니다. \`features\`에 \`groupNormalization({ groups: C, epsilon: varianceEpsilon })\`과 \`groupNormalization({ groups: 1, epsilon: varianceEpsilon })\`을 적용하세요.`,
      });
    }
    return {
      en: "groups = C gives instance norm and groups = 1 gives layer norm.",
      ko: "groups = C이면 인스턴스 정규화, groups = 1이면 층 정규화가 됩니다.",
    };
  },

  "05-2": (answer, context) => {
    const movingMean = expectTensor(answer, "movingMean", [8]);
    const batchMean = expectTensor(context.batchMean, "batchMean", [8]);
    const [gap, spread] = tf.tidy(() => [
      largestDifference(movingMean, batchMean),
      batchMean.abs().max().dataSync()[0],
    ]);
    const allowed = 0.5 * spread + 0.05;
    if (gap > allowed) {
      fail({
        en: `\`movingMean\` differs from the batch's channel means by up to ${gap.toFixed(3)} (allowed ${allowed.toFixed(3)}). Take the third weight of \`norm1\` (\`getWeights()[2]\`) after training, not γ, β or the variance.`,
        ko: `\`movingMean\`이 배치의 채널 평균과 최대 ${gap.toFixed(3)}만큼 다릅니다(허용 ${allowed.toFixed(3)}). 학습한 뒤 \`norm1\`의 세 번째 가중치(\`getWeights()[2]\`)를 쓰세요. γ, β, 분산이 아닙니다.`,
      });
    }
    return {
      en: `the moving mean is within ${gap.toFixed(3)} of the batch's channel means.`,
      ko: `이동 평균이 배치의 채널 평균과 ${gap.toFixed(3)} 이내로 같습니다.`,
    };
  },

  "05-3": (answer) => {
    const correlation = expectNumber(answer, "correlation");
    if (Math.abs(correlation - 1) > 1e-4) {
      fail({
        en: `a correlation of ${correlation} is not 1. Centre both flattened maps, then divide the sum of their products by the product of their norms.`,
        ko: `상관계수 ${correlation}은(는) 1이 아닙니다. 펼친 두 맵에서 각각 평균을 뺀 다음, 곱의 합을 두 노름의 곱으로 나누세요.`,
      });
    }
    return {
      en: "the correlation is 1: instance norm only rescales and shifts each map.",
      ko: "상관계수가 1입니다. 인스턴스 정규화는 각 맵의 스케일과 오프셋만 바꿉니다.",
    };
  },
};
