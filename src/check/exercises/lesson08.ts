import { cnn, summary } from "../../models";
import { LessonExercises } from "../exercise";
import { expectNumber, expectRecord } from "../expect";
import { fail } from "../failure";

/** The parameter budget and the depths of exercise 08-1. */
const budget = 20000;
const budgetDepths = [2, 4, 8];

/** Trainable parameters of the exercise's net: `depth` convolutions of `width` channels, two poolings. */
function parametersOf(depth: number, width: number): number {
  const model = cnn({ depth, width, widen: false, blocksPerStage: Math.ceil(depth / 2), seed: 1 });
  try {
    return summary(model).trainableParameters;
  } finally {
    model.dispose();
  }
}

/** The answer as an array of finite numbers of the given length, or a failure saying what it is. */
function expectNorms(answer: unknown, name: string, length: number): number[] {
  if (!Array.isArray(answer) || !answer.every((v) => typeof v === "number")) {
    fail({
      en: `\`${name}\` should be an array of numbers (the \`norm\` of each conv layer in \`gradientNorms(model, probeBatch).byLayer\`).`,
      ko: `\`${name}\`은(는) 수의 배열이어야 합니다(\`gradientNorms(model, probeBatch).byLayer\`에서 각 합성곱 계층의 \`norm\`).`,
    });
  }
  const norms = answer as number[];
  if (norms.length !== length) {
    fail({
      en: `\`${name}\` has ${norms.length} values, but the net has ${length} convolutions. Keep only the layers named conv1…conv${length}: \`.filter((l) => /^conv\\d+$/.test(l.layer))\`.`,
      ko: `\`${name}\`에 값이 ${norms.length}개 있지만 신경망의 합성곱은 ${length}개입니다. 이름이 conv1…conv${length}인 계층만 남기세요: \`.filter((l) => /^conv\\d+$/.test(l.layer))\`.`,
    });
  }
  const bad = norms.findIndex((v) => !Number.isFinite(v) || v <= 0);
  if (bad >= 0) {
    fail({
      en: `\`${name}[${bad}]\` is ${norms[bad]}; every gradient norm of a ReLU net at initialization should be finite and positive. Build the net with \`activation\` left at ReLU and measure it before any training.`,
      ko: `\`${name}[${bad}]\`이(가) ${norms[bad]}입니다. 초기화 시점의 ReLU 신경망에서 기울기 노름은 모두 유한한 양수여야 합니다. \`activation\`을 기본값 ReLU로 두고 학습 전에 측정하세요.`,
    });
  }
  return norms;
}

/** Lesson 8 (deeper and wider): a fixed parameter budget, dropout's gap, gradient norms at depth 40. */
export const lesson08: LessonExercises = {
  "08-1": (answer) => {
    const widths = expectRecord(
      answer,
      "budgetWidths",
      budgetDepths.map((depth) => String(depth)),
    );
    const found: { depth: number; width: number; parameters: number }[] = [];
    for (const depth of budgetDepths) {
      const width = expectNumber(widths[depth], `budgetWidths[${depth}]`);
      if (!Number.isInteger(width) || width < 1) {
        fail({
          en: `\`budgetWidths[${depth}]\` is ${width}; a width is a whole number of channels, at least 1.`,
          ko: `\`budgetWidths[${depth}]\`이(가) ${width}입니다. 너비는 1 이상의 정수(채널 수)여야 합니다.`,
        });
      }
      const distance = (w: number) => Math.abs(parametersOf(depth, w) - budget);
      const yours = parametersOf(depth, width);
      const neighbours = [width - 1, width + 1].filter((w) => w >= 1);
      const closer = neighbours.find((w) => distance(w) < Math.abs(yours - budget));
      if (closer !== undefined) {
        const theirs = parametersOf(depth, closer);
        fail({
          en: `at depth ${depth}, width ${width} gives ${yours} parameters, but width ${closer} gives ${theirs}, closer to ${budget}. Build \`cnn({ depth, width, widen: false, blocksPerStage: Math.ceil(depth / 2) })\` for growing widths and keep the one whose \`summary(model).trainableParameters\` is closest.`,
          ko: `깊이 ${depth}에서 너비 ${width}는 매개변수 ${yours}개인데, 너비 ${closer}는 ${theirs}개로 ${budget}에 더 가깝습니다. 너비를 늘려 가며 \`cnn({ depth, width, widen: false, blocksPerStage: Math.ceil(depth / 2) })\`를 만들고 \`summary(model).trainableParameters\`가 가장 가까운 것을 고르세요.`,
        });
      }
      found.push({ depth, width, parameters: yours });
    }
    return {
      en: `closest to ${budget} parameters: ${found.map((f) => `depth ${f.depth}: width ${f.width} (${f.parameters})`).join(", ")}.`,
      ko: `매개변수 ${budget}개에 가장 가까운 너비: ${found.map((f) => `깊이 ${f.depth}: 너비 ${f.width}(${f.parameters}개)`).join(", ")}.`,
    };
  },

  "08-2": (answer) => {
    const record = expectRecord(answer, "dropoutGap", ["train", "test", "gap"]);
    const trainAccuracy = expectNumber(record.train, "dropoutGap.train");
    const testAccuracy = expectNumber(record.test, "dropoutGap.test");
    const gap = expectNumber(record.gap, "dropoutGap.gap");
    for (const [key, value] of [
      ["train", trainAccuracy],
      ["test", testAccuracy],
    ] as const) {
      if (value < 0 || value > 1) {
        fail({
          en: `\`dropoutGap.${key}\` is ${value}, but an accuracy lies between 0 and 1. Use \`(await evaluate(model, data)).accuracy\` as it is, not as a percentage.`,
          ko: `\`dropoutGap.${key}\`이(가) ${value}인데, 정확도는 0과 1 사이입니다. \`(await evaluate(model, data)).accuracy\`를 백분율로 바꾸지 말고 그대로 쓰세요.`,
        });
      }
    }
    if (Math.abs(gap - (trainAccuracy - testAccuracy)) > 1e-9) {
      const reversed = Math.abs(gap - (testAccuracy - trainAccuracy)) <= 1e-9;
      fail({
        en: `\`dropoutGap.gap\` is ${gap}, but train − test is ${trainAccuracy - testAccuracy}${reversed ? " (you computed test − train)" : ""}. Set \`gap: train - test\`.`,
        ko: `\`dropoutGap.gap\`이(가) ${gap}인데, train − test는 ${trainAccuracy - testAccuracy}입니다${reversed ? "(test − train을 계산했습니다)" : ""}. \`gap: train - test\`로 두세요.`,
      });
    }
    return {
      en: `with dropout: train ${trainAccuracy.toFixed(3)}, test ${testAccuracy.toFixed(3)}, gap ${gap.toFixed(3)}; compare it with the gap of the same width in the table above.`,
      ko: `드롭아웃 적용: 훈련 ${trainAccuracy.toFixed(3)}, 테스트 ${testAccuracy.toFixed(3)}, 차이 ${gap.toFixed(3)}. 위 표에서 같은 너비의 차이와 비교해 보세요.`,
    };
  },

  "08-3": (answer) => {
    const record = expectRecord(answer, "fortyNorms", ["plain ReLU", "BN + residual"]);
    const plain = expectNorms(record["plain ReLU"], 'fortyNorms["plain ReLU"]', 40);
    const resnet = expectNorms(record["BN + residual"], 'fortyNorms["BN + residual"]', 40);
    if (plain.every((v, i) => v === resnet[i])) {
      fail({
        en: 'the two arrays are the same: measure two different nets, the plain one and `cnn({ ...forty, norm: "batch", residual: true })`.',
        ko: '두 배열이 같습니다. 일반 신경망과 `cnn({ ...forty, norm: "batch", residual: true })`, 서로 다른 두 신경망을 측정하세요.',
      });
    }
    const ratio = resnet[0] / resnet[resnet.length - 1];
    if (ratio < 0.1 || ratio > 10) {
      fail({
        en: `in \`fortyNorms["BN + residual"]\` conv1's gradient is ${ratio.toPrecision(2)} × conv40's; batch norm + residual should keep it within a factor of 10. Build that net with \`norm: "batch", residual: true\`.`,
        ko: `\`fortyNorms["BN + residual"]\`에서 conv1의 기울기가 conv40의 ${ratio.toPrecision(2)}배입니다. 배치 정규화 + 잔차 연결이라면 10배 이내여야 합니다. 그 신경망을 \`norm: "batch", residual: true\`로 만드세요.`,
      });
    }
    const plainRatio = plain[0] / plain[plain.length - 1];
    return {
      en: `conv1 / conv40: ${plainRatio.toPrecision(2)} for the plain ReLU net, ${ratio.toPrecision(2)} for BN + residual.`,
      ko: `conv1 / conv40: 일반 ReLU 신경망 ${plainRatio.toPrecision(2)}, 배치 정규화 + 잔차 연결 ${ratio.toPrecision(2)}.`,
    };
  },
};
