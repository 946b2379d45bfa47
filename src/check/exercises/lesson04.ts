import * as tf from "@tensorflow/tfjs-core";
import { LessonExercises } from "../exercise";
import { expectNumber, expectRecord, expectTensor } from "../expect";
import { fail } from "../failure";

/** The images moved `d` pixels down (zeros come in at the top). */
function shiftDown(images: tf.Tensor4D, d: number): tf.Tensor4D {
  const [, height, width] = images.shape;
  return tf
    .pad(images, [
      [0, 0],
      [d, 0],
      [0, 0],
      [0, 0],
    ])
    .slice([0, 0, 0, 0], [-1, height, width, -1]);
}

/** Lesson 4 (subsampling, receptive field): 3×3 stack vs 7×7, a separable dilated net, shifting down. */
export const lesson04: LessonExercises = {
  "04-1": (answer) => {
    const keys = ["stackedField", "singleField", "stackedParameters", "singleParameters"];
    const record = expectRecord(answer, "comparison", keys);
    const got = Object.fromEntries(keys.map((key) => [key, expectNumber(record[key], `comparison.${key}`)]));
    const expected: Record<string, number> = {
      stackedField: 7,
      singleField: 7,
      stackedParameters: 3 * (9 * 64 * 64 + 64),
      singleParameters: 49 * 64 * 64 + 64,
    };
    const wrong = keys.filter((key) => got[key] !== expected[key]);
    if (wrong.length > 0) {
      fail({
        en:
          `${wrong.map((key) => `\`${key}\` = ${got[key]}`).join(", ")} ${wrong.length === 1 ? "is" : "are"} not right. ` +
          "Take the receptive-field side and the summed `parameters` of `layerGeometry` for the stack of three 3×3 convolutions and for one 7×7, 64 channels in and out (weights and biases).",
        ko:
          `${wrong.map((key) => `\`${key}\` = ${got[key]}`).join(", ")}이(가) 틀렸습니다. ` +
          "입력·출력 채널이 64인 3×3 합성곱 세 개와 7×7 합성곱 하나에 대해 `layerGeometry`의 수용 영역 크기와 `parameters`의 합(가중치와 편향)을 쓰세요.",
      });
    }
    return {
      en: `both see 7×7, but three 3×3 layers need ${expected.stackedParameters} parameters against ${expected.singleParameters} for one 7×7.`,
      ko: `둘 다 7×7을 보지만, 3×3 계층 세 개는 파라미터가 ${expected.stackedParameters}개이고 7×7 하나는 ${expected.singleParameters}개입니다.`,
    };
  },

  "04-2": (answer, context) => {
    const record = expectRecord(answer, "separable", ["parameters", "macs", "accuracy"]);
    const parameters = expectNumber(record.parameters, "separable.parameters");
    const macs = expectNumber(record.macs, "separable.macs");
    const accuracy = expectNumber(record.accuracy, "separable.accuracy");
    const dilated = expectRecord(context.dilated, "dilated", ["parameters", "macs"]);
    const dilatedParameters = expectNumber(dilated.parameters, "dilated.parameters");
    const dilatedMacs = expectNumber(dilated.macs, "dilated.macs");
    if (!(parameters > 0 && parameters < dilatedParameters && macs > 0 && macs < dilatedMacs)) {
      fail({
        en: `with ${parameters} parameters and ${macs} MACs it is not smaller than the dilated net (${dilatedParameters}, ${dilatedMacs}). Build it with \`cnn({ …, separable: true })\` and read \`totalParameters\` and \`totalMacs\` from its \`summary\`.`,
        ko: `파라미터 ${parameters}개, MAC ${macs}회로 팽창 네트워크(${dilatedParameters}, ${dilatedMacs})보다 작지 않습니다. \`cnn({ …, separable: true })\`로 만들고 \`summary\`의 \`totalParameters\`와 \`totalMacs\`를 쓰세요.`,
      });
    }
    if (!(accuracy >= 0 && accuracy <= 1)) {
      fail({
        en: `an accuracy of ${accuracy} is not between 0 and 1: use \`(await evaluate(separableNet, digits.test)).accuracy\`, not a percentage.`,
        ko: `정확도 ${accuracy}은(는) 0과 1 사이가 아닙니다. 백분율이 아니라 \`(await evaluate(separableNet, digits.test)).accuracy\`를 쓰세요.`,
      });
    }
    return {
      en: `${(dilatedParameters / parameters).toFixed(1)}× fewer parameters and ${(dilatedMacs / macs).toFixed(1)}× fewer MACs than the dilated net, test accuracy ${(100 * accuracy).toFixed(1)}%.`,
      ko: `팽창 네트워크보다 파라미터가 ${(dilatedParameters / parameters).toFixed(1)}배, MAC이 ${(dilatedMacs / macs).toFixed(1)}배 적고, 테스트 정확도는 ${(100 * accuracy).toFixed(1)}%입니다.`,
    };
  },

  "04-3": (answer, context) => {
    const features = context.features as Record<string, (images: tf.Tensor4D) => tf.Tensor>;
    const shifts = context.shifts as number[];
    const sample = expectTensor(context.sample, "sample", [null, null, null, null]) as tf.Tensor4D;
    const record = expectRecord(answer, "downChange", Object.keys(features));
    let worst = 0;
    for (const name of Object.keys(features)) {
      const changes = record[name];
      if (!Array.isArray(changes) || changes.length !== shifts.length) {
        fail({
          en: `\`downChange["${name}"]\` should be an array with one relative change per shift (${shifts.length} numbers).`,
          ko: `\`downChange["${name}"]\`는 이동량마다 상대 변화 하나씩, ${shifts.length}개의 수를 담은 배열이어야 합니다.`,
        });
      }
      const f = features[name];
      shifts.forEach((d, i) => {
        const expected = tf.tidy(() => {
          const original = f(sample);
          return original
            .sub(f(shiftDown(sample, d)))
            .norm()
            .div(original.norm())
            .dataSync()[0];
        });
        worst = Math.max(worst, Math.abs(expectNumber(changes[i], `downChange["${name}"][${i}]`) - expected));
      });
    }
    if (worst > 1e-4) {
      fail({
        en: `your relative changes differ from those of a downward shift by up to ${worst.toFixed(4)}. Shift along the height axis: pad \`[[0, 0], [d, 0], [0, 0], [0, 0]]\`, then cut back to 28×28, and compute ‖f(shifted) − f(original)‖ / ‖f(original)‖ as before.`,
        ko: `상대 변화가 아래쪽 이동의 값과 최대 ${worst.toFixed(4)}만큼 다릅니다. 높이 축으로 옮기세요. \`[[0, 0], [d, 0], [0, 0], [0, 0]]\`로 패딩한 뒤 28×28로 잘라 내고, 앞에서처럼 ‖f(shifted) − f(original)‖ / ‖f(original)‖를 계산하세요.`,
      });
    }
    return {
      en: "these are the relative changes for shifts down; compare them with the shifts right.",
      ko: "아래쪽 이동에 대한 상대 변화가 맞습니다. 오른쪽 이동의 결과와 비교해 보세요.",
    };
  },
};
