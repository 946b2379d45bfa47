// The additions and sums a dense or convolution layer's bias needs: y = x + bias over channels-last rows, its
// gradient Σ over rows, and same-shape addition (gradients of a tensor used twice are added). tfjs's wasm kernels
// do these on one thread with general broadcasting; for the bias of LeNet-5's first convolution they were a
// quarter of a training step's kernel time.
#include <vector>

#include "channel_sums.h"
#include "kernels.h"

namespace cnnlab {

void add(int64_t size, const float* a, const float* b, float* y) {
#pragma omp parallel for simd schedule(static) num_threads(threadsFor(kMemoryWork * size))
  for (int64_t i = 0; i < size; i++) y[i] = a[i] + b[i];
}

void biasAdd(int64_t rows, int64_t channels, const float* x, const float* bias, float* y) {
#pragma omp parallel for schedule(static) num_threads(threadsFor(kMemoryWork * rows * channels))
  for (int64_t r = 0; r < rows; r++) {
    const float* in = x + r * channels;
    float* out = y + r * channels;
    for (int64_t c = 0; c < channels; c++) out[c] = in[c] + bias[c];
  }
}

void columnSums(int64_t rows, int64_t channels, const float* x, float* sums) {
  std::vector<double> totals, unused;
  channelSums(
      rows, channels, totals, unused, [&](int64_t r, int64_t c) { return x[r * channels + c]; },
      [](int64_t, int64_t) { return 0.f; });
  for (int64_t c = 0; c < channels; c++) sums[c] = static_cast<float>(totals[c]);
}

}  // namespace cnnlab
