// Batch normalisation over channels-last tensors viewed as [rows, channels]. tfjs builds a training-mode batch
// norm from about 30 small kernels (moments, normalise, and their gradients, each a pass over the activations);
// here each direction makes two passes over the activations, spread over the threads by rows.
#include <algorithm>
#include <cmath>
#include <vector>

#include "channel_sums.h"
#include "kernels.h"

namespace cnnlab {

void batchNormTraining(int64_t rows, int64_t channels, const float* x, const float* scale, const float* offset,
                       float epsilon, float* y, float* mean, float* variance) {
  // Sums of x − k and (x − k)² with k = the first row: E[x²] − E[x]² cancels badly when |mean| ≫ σ, but shifted
  // by a sample of the data it stays accurate, and the statistics take one pass instead of two.
  std::vector<float> shift(x, x + channels);
  const float* k = shift.data();
  std::vector<double> sums, squares;
  channelSums(
      rows, channels, sums, squares, [&](int64_t r, int64_t c) { return x[r * channels + c] - k[c]; },
      [&](int64_t r, int64_t c) {
        const float d = x[r * channels + c] - k[c];
        return d * d;
      });
  for (int64_t c = 0; c < channels; c++) {
    const double shiftedMean = sums[c] / rows;
    mean[c] = static_cast<float>(k[c] + shiftedMean);
    variance[c] = static_cast<float>(std::max(0.0, squares[c] / rows - shiftedMean * shiftedMean));
  }
  batchNormInference(rows, channels, x, mean, variance, scale, offset, epsilon, y);
}

void batchNormInference(int64_t rows, int64_t channels, const float* x, const float* mean, const float* variance,
                        const float* scale, const float* offset, float epsilon, float* y) {
  std::vector<float> factor(channels), shift(channels);
  for (int64_t c = 0; c < channels; c++) {
    factor[c] = (scale ? scale[c] : 1.f) / std::sqrt(variance[c] + epsilon);
    shift[c] = (offset ? offset[c] : 0.f) - mean[c] * factor[c];
  }
  const float* a = factor.data();
  const float* b = shift.data();
#pragma omp parallel for schedule(static) num_threads(threadsFor(kMemoryWork * rows * channels))
  for (int64_t r = 0; r < rows; r++) {
    const float* in = x + r * channels;
    float* out = y + r * channels;
    for (int64_t c = 0; c < channels; c++) out[c] = in[c] * a[c] + b[c];
  }
}

void batchNormTrainingGradient(int64_t rows, int64_t channels, const float* dy, const float* x, const float* scale,
                               const float* mean, const float* variance, float epsilon, float* dx, float* dScale,
                               float* dOffset) {
  std::vector<float> inverseDeviation(channels);
  for (int64_t c = 0; c < channels; c++) inverseDeviation[c] = 1.f / std::sqrt(variance[c] + epsilon);
  std::vector<double> sumDy, sumDyXhat;
  const float* s0 = inverseDeviation.data();
  channelSums(
      rows, channels, sumDy, sumDyXhat, [&](int64_t r, int64_t c) { return dy[r * channels + c]; },
      [&](int64_t r, int64_t c) { return dy[r * channels + c] * (x[r * channels + c] - mean[c]) * s0[c]; });
  // dx = scale / σ · (dy − mean(dy) − x̂ · mean(dy · x̂)): the gradient through the batch mean and variance too.
  std::vector<float> meanDy(channels), meanDyXhat(channels), factor(channels);
  for (int64_t c = 0; c < channels; c++) {
    meanDy[c] = static_cast<float>(sumDy[c] / rows);
    meanDyXhat[c] = static_cast<float>(sumDyXhat[c] / rows);
    factor[c] = (scale ? scale[c] : 1.f) * inverseDeviation[c];
    if (dScale) dScale[c] = static_cast<float>(sumDyXhat[c]);
    if (dOffset) dOffset[c] = static_cast<float>(sumDy[c]);
  }
  const float *m = mean, *s = inverseDeviation.data(), *md = meanDy.data(), *mdx = meanDyXhat.data(), *f = factor.data();
#pragma omp parallel for schedule(static) num_threads(threadsFor(kMemoryWork * rows * channels))
  for (int64_t r = 0; r < rows; r++) {
    const float* g = dy + r * channels;
    const float* in = x + r * channels;
    float* out = dx + r * channels;
    for (int64_t c = 0; c < channels; c++) {
      const float xhat = (in[c] - m[c]) * s[c];
      out[c] = f[c] * (g[c] - md[c] - xhat * mdx[c]);
    }
  }
}

}  // namespace cnnlab
