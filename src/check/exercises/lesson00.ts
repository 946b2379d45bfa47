import * as tf from "@tensorflow/tfjs-core";
import { LessonExercises } from "../exercise";
import { expectTensor, largestDifference } from "../expect";
import { fail } from "../failure";

/** Lesson 0 (tensors and images): a red | blue image, greyscale conversion, NCHW → NHWC. */
export const lesson00: LessonExercises = {
  "00-1": (answer) => {
    const image = expectTensor(answer, "redBlue", [64, 64, 3]);
    const { error, largest } = tf.tidy(() => {
      const left = tf.tensor1d([1, 0, 0]).reshape([1, 1, 3]).tile([64, 32, 1]);
      const right = tf.tensor1d([0, 0, 1]).reshape([1, 1, 3]).tile([64, 32, 1]);
      return {
        error: largestDifference(image, tf.concat([left, right], 1)),
        largest: image.max().dataSync()[0],
      };
    });
    if (largest > 1.5) {
      fail({
        en: `the largest value is ${largest}; images here hold intensities in 0…1, so pure red is [1, 0, 0], not [255, 0, 0].`,
        ko: `가장 큰 값이 ${largest}입니다. 여기서 이미지는 0…1 범위의 밝기를 담으므로 순수한 빨강은 [255, 0, 0]이 아니라 [1, 0, 0]입니다.`,
      });
    }
    if (error > 1e-6) {
      fail({
        en: "some pixels are wrong: columns 0–31 should be [1, 0, 0] (red) and columns 32–63 [0, 0, 1] (blue). Stack three [64, 64] channels along the last axis.",
        ko: "일부 픽셀이 틀렸습니다. 열 0–31은 [1, 0, 0](빨강), 열 32–63은 [0, 0, 1](파랑)이어야 합니다. [64, 64] 채널 세 개를 마지막 축을 따라 쌓으세요.",
      });
    }
    return {
      en: "the left half is pure red and the right half pure blue.",
      ko: "왼쪽 절반은 순수한 빨강, 오른쪽 절반은 순수한 파랑입니다.",
    };
  },

  "00-2": (answer, context) => {
    const rgb = expectTensor(context.rgb, "rgb", [null, null, 3]);
    const [height, width] = rgb.shape;
    if (answer instanceof tf.Tensor && answer.rank === 2) {
      fail({
        en: `\`grey\` has shape [${answer.shape.join(", ")}]; keep the channel axis (sum(-1, true)) so that it is [${height}, ${width}, 1].`,
        ko: `\`grey\`의 모양이 [${answer.shape.join(", ")}]입니다. 채널 축을 남겨(sum(-1, true)) [${height}, ${width}, 1]이 되게 하세요.`,
      });
    }
    const grey = expectTensor(answer, "grey", [height, width, 1]);
    const error = tf.tidy(() => largestDifference(grey, rgb.mul(tf.tensor1d([0.299, 0.587, 0.114])).sum(-1, true)));
    if (error > 1e-4) {
      fail({
        en: `your values differ from 0.299·R + 0.587·G + 0.114·B by up to ${error.toFixed(3)}. Multiply \`rgb\` by the three weights and sum over the last axis.`,
        ko: `값이 0.299·R + 0.587·G + 0.114·B와 최대 ${error.toFixed(3)}만큼 다릅니다. \`rgb\`에 세 가중치를 곱하고 마지막 축을 따라 더하세요.`,
      });
    }
    return {
      en: `grey is [${height}, ${width}, 1]: one channel, the weighted sum of R, G and B.`,
      ko: `grey는 [${height}, ${width}, 1]입니다. R, G, B의 가중합인 채널 하나입니다.`,
    };
  },

  "00-3": (answer) => {
    if (answer instanceof tf.Tensor && answer.shape.join() === "8,3,32,32") {
      fail({
        en: "`forTfjs` still has PyTorch's shape [8, 3, 32, 32]. Move the channel axis to the end with transpose([0, 2, 3, 1]).",
        ko: "`forTfjs`가 아직 PyTorch의 모양 [8, 3, 32, 32]입니다. transpose([0, 2, 3, 1])로 채널 축을 맨 뒤로 옮기세요.",
      });
    }
    expectTensor(answer, "forTfjs", [8, 32, 32, 3]);
    return {
      en: "[8, 3, 32, 32] (NCHW) became [8, 32, 32, 3] (NHWC).",
      ko: "[8, 3, 32, 32](NCHW)가 [8, 32, 32, 3](NHWC)이 되었습니다.",
    };
  },
};
