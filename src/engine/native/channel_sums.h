// Per-channel sums over the rows of a channels-last tensor viewed as [rows, channels], shared by batch norm and the
// bias gradient. Each thread sums blocks of rows in float (the inner loop over channels vectorises) and adds each
// block's sums in double, so a 50,000-row sum keeps float32 accuracy.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#include "kernels.h"

namespace cnnlab {

/** Two per-channel sums in one pass: Σ first(row, channel) and Σ second(row, channel). */
template <typename First, typename Second>
void channelSums(int64_t rows, int64_t channels, std::vector<double>& firstTotal, std::vector<double>& secondTotal,
                 First first, Second second) {
  const int threadCount = threadsFor(kMemoryWork * rows * channels);
  std::vector<double> partial(static_cast<size_t>(threadCount) * channels * 2, 0.0);
  constexpr int64_t block = 64;
#pragma omp parallel num_threads(threadCount)
  {
    const int thread = omp_get_thread_num();
    const int used = omp_get_num_threads();
    const int64_t from = rows * thread / used;
    const int64_t to = rows * (thread + 1) / used;
    double* mine = partial.data() + static_cast<size_t>(thread) * channels * 2;
    std::vector<float> blockFirst(channels), blockSecond(channels);
    for (int64_t start = from; start < to; start += block) {
      std::fill(blockFirst.begin(), blockFirst.end(), 0.f);
      std::fill(blockSecond.begin(), blockSecond.end(), 0.f);
      const int64_t end = std::min(to, start + block);
      for (int64_t r = start; r < end; r++) {
        for (int64_t c = 0; c < channels; c++) {
          blockFirst[c] += first(r, c);
          blockSecond[c] += second(r, c);
        }
      }
      for (int64_t c = 0; c < channels; c++) {
        mine[c] += blockFirst[c];
        mine[channels + c] += blockSecond[c];
      }
    }
  }
  firstTotal.assign(channels, 0.0);
  secondTotal.assign(channels, 0.0);
  for (int t = 0; t < threadCount; t++) {
    const double* theirs = partial.data() + static_cast<size_t>(t) * channels * 2;
    for (int64_t c = 0; c < channels; c++) {
      firstTotal[c] += theirs[c];
      secondTotal[c] += theirs[channels + c];
    }
  }
}

}  // namespace cnnlab
