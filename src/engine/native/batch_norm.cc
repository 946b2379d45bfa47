// Batch normalisation over channels-last tensors viewed as [rows, channels]. tfjs builds a training-mode batch
// norm from about 30 small kernels (moments, normalise, and their gradients, each a pass over the activations);
// here the forward pass is three passes and the backward pass two, spread over the threads by rows.
#include <omp.h>

#include <cmath>
#include <vector>

#include "kernels.h"

namespace cnnlab {
namespace {

// Per-channel sums of f(row, channel) over all rows, accumulated per thread in double and then combined.
template <typename Term>
void channelSums(int64_t rows, int64_t channels, std::vector<double>& total, Term term) {
  const int threadCount = threadsFor(kMemoryWork * rows * channels);
  std::vector<double> partial(static_cast<size_t>(threadCount) * channels, 0.0);
#pragma omp parallel num_threads(threadCount)
  {
    const int thread = omp_get_thread_num();
    const int used = omp_get_num_threads();
    const int64_t from = rows * thread / used;
    const int64_t to = rows * (thread + 1) / used;
    double* mine = partial.data() + static_cast<size_t>(thread) * channels;
    for (int64_t r = from; r < to; r++) {
      for (int64_t c = 0; c < channels; c++) mine[c] += term(r, c);
    }
  }
  total.assign(channels, 0.0);
  for (int t = 0; t < threadCount; t++) {
    for (int64_t c = 0; c < channels; c++) total[c] += partial[static_cast<size_t>(t) * channels + c];
  }
}

}  // namespace

void batchNormTraining(int64_t rows, int64_t channels, const float* x, const float* scale, const float* offset,
                       float epsilon, float* y, float* mean, float* variance) {
  std::vector<double> sums;
  channelSums(rows, channels, sums, [&](int64_t r, int64_t c) { return x[r * channels + c]; });
  for (int64_t c = 0; c < channels; c++) mean[c] = static_cast<float>(sums[c] / rows);
  // Two passes (mean, then squared deviations) rather than E[x²] − E[x]², which cancels badly for large means.
  channelSums(rows, channels, sums, [&](int64_t r, int64_t c) {
    const float deviation = x[r * channels + c] - mean[c];
    return deviation * deviation;
  });
  for (int64_t c = 0; c < channels; c++) variance[c] = static_cast<float>(sums[c] / rows);
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
  channelSums(rows, channels, sumDy, [&](int64_t r, int64_t c) { return dy[r * channels + c]; });
  channelSums(rows, channels, sumDyXhat, [&](int64_t r, int64_t c) {
    return dy[r * channels + c] * (x[r * channels + c] - mean[c]) * inverseDeviation[c];
  });
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
