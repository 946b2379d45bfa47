// The training step of training_step.h. Every thread runs the same sequence of layers and barriers on its own
// rows, so the barriers always match; kernels called inside the team run on the calling thread (threadsFor).
#include "training_step.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "channel_sums.h"
#include "onednn.h"

namespace cnnlab {

namespace {

constexpr float kProbabilityFloor = 1e-7f;  // src/train/metrics.ts clips probabilities to [1e-7, 1] too

double millisecondsSince(std::chrono::steady_clock::time_point& start) {
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double, std::milli>(now - start).count();
  start = now;
  return elapsed;
}

uint64_t splitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

int64_t channelsOf(const LayerSpec& layer) { return layer.window.inChannels; }

Window sliceOf(const LayerSpec& layer, int64_t rows) {
  Window w = layer.window;
  w.batch = rows;
  return w;
}

}  // namespace

int parameterCount(const LayerSpec& layer) {
  switch (layer.kind) {
    case LayerKind::convolution:
    case LayerKind::dense:
      return layer.bias ? 2 : 1;
    case LayerKind::batchNorm:
      return 4;
    default:
      return 0;
  }
}

struct TrainingStep::Worker {
  int64_t capacity = -1;
  std::vector<std::vector<float>> outputs;  // per layer; flatten's stays empty and aliases its input
  std::vector<const float*> outputOf;
  std::vector<std::vector<float>> masks;  // dropout's kept-and-scaled factors
  std::vector<float> gradient, spare;     // the gradient being passed down, and where a layer writes the next
  std::vector<std::vector<float>> parameterGradients;
  std::vector<std::vector<float>> mean, variance, inverseDeviation;  // batch norm, per layer
  const float* imageRows = nullptr;  // this thread's rows of the batch
  const float* labelRows = nullptr;
  double loss = 0, correct = 0;
  uint64_t random[2] = {1, 2};

  float uniform() {
    // xorshift128+: fast, and dropout needs nothing stronger.
    uint64_t a = random[0];
    const uint64_t b = random[1];
    random[0] = b;
    a ^= a << 23;
    random[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
    return static_cast<float>((random[1] + b) >> 40) * (1.f / 16777216.f);
  }
};

/** What the threads of one step share: how many there are, the batch, and the first error any of them met. */
struct TrainingStep::Team {
  int size = 1;
  int64_t batch = 0;
  std::atomic<bool> failed{false};
  std::string error;

  template <typename Body>
  void guard(Body body) {
    if (failed.load()) return;
    try {
      body();
    } catch (const dnnl::error& e) {
      fail(std::string("oneDNN: ") + e.what());
    } catch (const std::exception& e) {
      fail(e.what());
    }
  }
  void fail(const std::string& message) {
#pragma omp critical(cnnlab_training_step_error)
    if (!failed.exchange(true)) error = message;
  }
};

TrainingStep::TrainingStep(std::vector<LayerSpec> layers, int64_t classes) : layers_(std::move(layers)), classes_(classes) {
  if (layers_.empty()) throw std::runtime_error("training step: the network has no layers");
  int parameters = 0;
  int norms = 0;
  for (size_t i = 0; i < layers_.size(); i++) {
    const LayerSpec& layer = layers_[i];
    if (i > 0 && layer.inputSize != layers_[i - 1].outputSize) {
      throw std::runtime_error("training step: layer " + std::to_string(i) + " takes " + std::to_string(layer.inputSize) +
                               " values per image but the layer before gives " +
                               std::to_string(layers_[i - 1].outputSize));
    }
    if (layer.activation == Activation::softmax && i + 1 != layers_.size()) {
      throw std::runtime_error("training step: softmax is supported only as the last layer's activation");
    }
    firstParameter_.push_back(parameters);
    parameters += parameterCount(layer);
    normSlot_.push_back(layer.kind == LayerKind::batchNorm ? norms++ : -1);
    largestActivation_ = std::max({largestActivation_, layer.inputSize, layer.outputSize});
  }
  if (layers_.back().activation != Activation::softmax || layers_.back().outputSize != classes_) {
    throw std::runtime_error("training step: the network must end in a softmax over the " + std::to_string(classes_) +
                             " classes");
  }
  normSums_.resize(norms);
  profile_.assign(2 * layers_.size() + 1, 0.0);
}

std::vector<double> TrainingStep::takeProfile() {
  std::vector<double> taken = profile_;
  taken.push_back(static_cast<double>(profiledSteps_));
  std::fill(profile_.begin(), profile_.end(), 0.0);
  profiledSteps_ = 0;
  return taken;
}

TrainingStep::~TrainingStep() {
  for (Worker* worker : workers_) delete worker;
}

StepResult TrainingStep::run(const StepInputs& inputs) {
  const int64_t batch = inputs.batch;
  if (batch < 1) throw std::runtime_error("training step: empty batch");
  if (static_cast<int>(inputs.parameters.size()) != firstParameter_.back() + parameterCount(layers_.back())) {
    throw std::runtime_error("training step: " + std::to_string(inputs.parameters.size()) +
                             " parameters given, the network has " +
                             std::to_string(firstParameter_.back() + parameterCount(layers_.back())));
  }
  const int wanted = static_cast<int>(std::min<int64_t>(threads(), batch));
  while (static_cast<int>(workers_.size()) < wanted) workers_.push_back(new Worker());
  for (size_t i = 0; i < layers_.size(); i++) {
    if (normSlot_[i] >= 0) normSums_[normSlot_[i]].assign(static_cast<size_t>(wanted) * 4 * channelsOf(layers_[i]), 0.0);
  }
  for (int t = 0; t < wanted; t++) prepare(*workers_[t], batch * (t + 1) / wanted - batch * t / wanted, inputs);
  steps_++;
  Team team;
  team.batch = batch;
  team.size = wanted;
#pragma omp parallel num_threads(wanted)
  {
    const int thread = omp_get_thread_num();
    if (omp_get_num_threads() != wanted) {
      team.fail("training step: OpenMP gave " + std::to_string(omp_get_num_threads()) + " threads instead of " +
                std::to_string(wanted));
    }
    const int64_t from = batch * thread / team.size;
    const int64_t rows = batch * (thread + 1) / team.size - from;
    Worker& worker = *workers_[thread];
    uint64_t seed = steps_ * 0x100000001b3ull + static_cast<uint64_t>(thread);
    worker.random[0] = splitMix(seed);
    worker.random[1] = splitMix(seed);
    const bool training = inputs.statisticsMomentum < 0;
    forward(team, worker, inputs, from, rows);
    if (training) {
      backward(team, worker, inputs, rows);
#pragma omp barrier
      auto start = std::chrono::steady_clock::now();
      if (!team.failed.load()) update(team, inputs);
      if (thread == 0) profile_.back() += millisecondsSince(start);
    }
  }
  if (team.failed.load()) throw std::runtime_error(team.error);
  finish(inputs);
  profiledSteps_++;
  StepResult result;
  for (int t = 0; t < team.size; t++) {
    result.loss += workers_[t]->loss;
    result.accuracy += workers_[t]->correct;
  }
  result.loss /= static_cast<double>(batch);
  result.accuracy /= static_cast<double>(batch);
  return result;
}

void TrainingStep::prepare(Worker& worker, int64_t rows, const StepInputs& inputs) {
  if (worker.capacity >= rows) return;
  // Grown once per batch size (the last batch of an epoch can only be smaller), never per step.
  worker.capacity = rows;
  worker.outputs.resize(layers_.size());
  worker.outputOf.resize(layers_.size());
  worker.masks.resize(layers_.size());
  worker.mean.resize(layers_.size());
  worker.variance.resize(layers_.size());
  worker.inverseDeviation.resize(layers_.size());
  for (size_t i = 0; i < layers_.size(); i++) {
    const LayerSpec& layer = layers_[i];
    if (layer.kind != LayerKind::flatten) worker.outputs[i].resize(rows * layer.outputSize);
    if (layer.kind == LayerKind::dropout) worker.masks[i].resize(rows * layer.outputSize);
    if (layer.kind == LayerKind::batchNorm) {
      worker.mean[i].resize(channelsOf(layer));
      worker.variance[i].resize(channelsOf(layer));
      worker.inverseDeviation[i].resize(channelsOf(layer));
    }
  }
  worker.gradient.resize(rows * largestActivation_);
  worker.spare.resize(rows * largestActivation_);
  worker.parameterGradients.resize(inputs.parameters.size());
  for (size_t p = 0; p < inputs.parameters.size(); p++) worker.parameterGradients[p].resize(inputs.parameters[p].size);
}

void TrainingStep::forward(Team& team, Worker& worker, const StepInputs& inputs, int64_t from, int64_t rows) {
  worker.imageRows = inputs.images + from * layers_.front().inputSize;
  worker.labelRows = inputs.labels ? inputs.labels + from * classes_ : nullptr;
  const float* input = worker.imageRows;
  const bool timing = omp_get_thread_num() == 0;
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < layers_.size(); i++) {
    const LayerSpec& layer = layers_[i];
    const Parameter* parameter = inputs.parameters.data() + firstParameter_[i];
    float* out = worker.outputs[i].data();
    const int64_t size = rows * layer.outputSize;
    // oneDNN applies ReLU inside the product; the other activations (and softmax, below) are applied after it.
    const Activation fused = layer.activation == Activation::relu ? Activation::relu : Activation::none;
    const Activation after = layer.activation == Activation::relu || layer.activation == Activation::softmax
                                 ? Activation::none
                                 : layer.activation;
    switch (layer.kind) {
      case LayerKind::convolution:
        team.guard([&] {
          conv2d(sliceOf(layer, rows), input, parameter[0].value, layer.bias ? parameter[1].value : nullptr, out, fused);
          if (after != Activation::none) activate(after, size, out, out);
        });
        break;
      case LayerKind::dense:
        team.guard([&] {
          const MatMul shape{1, 1, rows, layer.outputSize, layer.inputSize, false, false};
          matMul(shape, input, parameter[0].value, layer.bias ? parameter[1].value : nullptr, out, fused);
          if (after != Activation::none) activate(after, size, out, out);
        });
        break;
      case LayerKind::maxPool:
        team.guard([&] { maxPool(sliceOf(layer, rows), input, out); });
        break;
      case LayerKind::averagePool:
        team.guard([&] { averagePool(sliceOf(layer, rows), input, out); });
        break;
      case LayerKind::activation:
        team.guard([&] {
          if (layer.activation == Activation::softmax) std::copy(input, input + size, out);
          else activate(layer.activation, size, input, out);
        });
        break;
      case LayerKind::dropout:
        team.guard([&] {
          const float keep = 1.f - layer.rate;
          float* mask = worker.masks[i].data();
          for (int64_t k = 0; k < size; k++) {
            mask[k] = worker.uniform() < keep ? 1.f / keep : 0.f;
            out[k] = input[k] * mask[k];
          }
        });
        break;
      case LayerKind::flatten:
        out = const_cast<float*>(input);
        break;
      case LayerKind::batchNorm: {
        const int64_t channels = channelsOf(layer);
        const int64_t pixels = rows * layer.inputSize / channels;
        std::vector<double>& shared = normSums_[normSlot_[i]];
        // Sums shifted by the moving mean, which every thread reads alike: E[x²] − E[x]² cancels badly when
        // |mean| ≫ σ, and the moving mean is close to the batch mean once training is under way.
        const float* shift = parameter[2].value;
        team.guard([&] {
          std::vector<double> sums, squares;
          channelSums(
              pixels, channels, sums, squares, [&](int64_t r, int64_t c) { return input[r * channels + c] - shift[c]; },
              [&](int64_t r, int64_t c) {
                const float d = input[r * channels + c] - shift[c];
                return d * d;
              });
          double* mine = shared.data() + static_cast<size_t>(omp_get_thread_num()) * 4 * channels;
          std::copy(sums.begin(), sums.end(), mine);
          std::copy(squares.begin(), squares.end(), mine + channels);
        });
#pragma omp barrier
        team.guard([&] {
          const double count = static_cast<double>(team.batch * layer.inputSize / channels);
          for (int64_t c = 0; c < channels; c++) {
            double sum = 0, square = 0;
            for (int t = 0; t < team.size; t++) {
              sum += shared[static_cast<size_t>(t) * 4 * channels + c];
              square += shared[static_cast<size_t>(t) * 4 * channels + channels + c];
            }
            const double shiftedMean = sum / count;
            worker.mean[i][c] = static_cast<float>(shift[c] + shiftedMean);
            worker.variance[i][c] = static_cast<float>(std::max(0.0, square / count - shiftedMean * shiftedMean));
            worker.inverseDeviation[i][c] = 1.f / std::sqrt(worker.variance[i][c] + layer.epsilon);
          }
          batchNormInference(pixels, channels, input, worker.mean[i].data(), worker.variance[i].data(),
                             parameter[0].value, parameter[1].value, layer.epsilon, out);
        });
        break;
      }
    }
    worker.outputOf[i] = out;
    input = out;
    if (timing) profile_[i] += millisecondsSince(start);
  }
  team.guard([&] {
    // Softmax and the loss of each row; the labels' largest entry is the class accuracy compares against.
    float* probabilities = const_cast<float*>(worker.outputOf.back());
    const float* labels = worker.labelRows;
    worker.loss = 0;
    worker.correct = 0;
    if (labels == nullptr) return;
    for (int64_t r = 0; r < rows; r++) {
      float* p = probabilities + r * classes_;
      const float* y = labels + r * classes_;
      const float largest = *std::max_element(p, p + classes_);
      float total = 0;
      for (int64_t k = 0; k < classes_; k++) total += p[k] = std::exp(p[k] - largest);
      for (int64_t k = 0; k < classes_; k++) p[k] /= total;
      double loss = 0;
      for (int64_t k = 0; k < classes_; k++) loss -= y[k] * std::log(std::min(1.f, std::max(kProbabilityFloor, p[k])));
      worker.loss += loss;
      if (std::max_element(p, p + classes_) - p == std::max_element(y, y + classes_) - y) worker.correct += 1;
    }
  });
}

void TrainingStep::backward(Team& team, Worker& worker, const StepInputs& inputs, int64_t rows) {
  float* gradient = worker.gradient.data();
  float* spare = worker.spare.data();
  const bool timing = omp_get_thread_num() == 0;
  auto start = std::chrono::steady_clock::now();
  team.guard([&] {
    // The loss's gradient with respect to the last layer's input to softmax. With m_k = 1 where p_k lies inside
    // the clip range (clipByValue passes no gradient outside it): dz_j = (p_j · Σ_k y_k m_k − y_j m_j) / batch.
    const float* probabilities = worker.outputOf.back();
    const float* labels = worker.labelRows;
    const float scale = 1.f / static_cast<float>(team.batch);
    for (int64_t r = 0; r < rows; r++) {
      const float* p = probabilities + r * classes_;
      const float* y = labels + r * classes_;
      float* dz = gradient + r * classes_;
      float weight = 0;
      for (int64_t k = 0; k < classes_; k++) {
        if (p[k] >= kProbabilityFloor && p[k] <= 1.f) weight += y[k];
      }
      for (int64_t k = 0; k < classes_; k++) {
        const float inside = p[k] >= kProbabilityFloor && p[k] <= 1.f ? y[k] : 0.f;
        dz[k] = (p[k] * weight - inside) * scale;
      }
    }
  });
  for (size_t i = layers_.size(); i-- > 0;) {
    const LayerSpec& layer = layers_[i];
    const Parameter* parameter = inputs.parameters.data() + firstParameter_[i];
    std::vector<float>* parameterGradient = worker.parameterGradients.data() + firstParameter_[i];
    const float* input = i == 0 ? worker.imageRows : worker.outputOf[i - 1];
    const float* output = worker.outputOf[i];
    const bool inputGradient = i > 0;
    // The last layer's softmax is already inside the loss's gradient.
    const Activation activation = i + 1 == layers_.size() ? Activation::none : layer.activation;
    const int64_t size = rows * layer.outputSize;
    bool wroteSpare = false;
    switch (layer.kind) {
      case LayerKind::convolution:
        team.guard([&] {
          if (activation != Activation::none) activationGradient(activation, size, gradient, output, gradient);
          const Window w = sliceOf(layer, rows);
          if (layer.bias && parameter[1].trained) {
            columnSums(rows * w.outHeight * w.outWidth, w.outChannels, gradient, parameterGradient[1].data());
          }
          if (parameter[0].trained) conv2dBackpropFilter(w, input, gradient, parameterGradient[0].data());
          if (inputGradient) conv2dBackpropInput(w, gradient, parameter[0].value, spare);
        });
        wroteSpare = inputGradient;
        break;
      case LayerKind::dense:
        team.guard([&] {
          if (activation != Activation::none) activationGradient(activation, size, gradient, output, gradient);
          if (layer.bias && parameter[1].trained) {
            columnSums(rows, layer.outputSize, gradient, parameterGradient[1].data());
          }
          if (parameter[0].trained) {
            // dW = xᵀ · dy and dx = dy · Wᵀ, the transposes read through strides.
            const MatMul weights{1, 1, layer.inputSize, layer.outputSize, rows, true, false};
            matMul(weights, input, gradient, nullptr, parameterGradient[0].data(), Activation::none);
          }
          if (inputGradient) {
            const MatMul data{1, 1, rows, layer.inputSize, layer.outputSize, false, true};
            matMul(data, gradient, parameter[0].value, nullptr, spare, Activation::none);
          }
        });
        wroteSpare = inputGradient;
        break;
      case LayerKind::maxPool:
        if (inputGradient) team.guard([&] { maxPoolGradient(sliceOf(layer, rows), gradient, input, spare); });
        wroteSpare = inputGradient;
        break;
      case LayerKind::averagePool:
        if (inputGradient) team.guard([&] { averagePoolGradient(sliceOf(layer, rows), gradient, spare); });
        wroteSpare = inputGradient;
        break;
      case LayerKind::activation:
        team.guard([&] {
          if (activation != Activation::none) activationGradient(activation, size, gradient, output, gradient);
        });
        break;
      case LayerKind::dropout:
        team.guard([&] {
          const float* mask = worker.masks[i].data();
          for (int64_t k = 0; k < size; k++) gradient[k] *= mask[k];
        });
        break;
      case LayerKind::flatten:
        break;
      case LayerKind::batchNorm: {
        const int64_t channels = channelsOf(layer);
        const int64_t pixels = rows * layer.inputSize / channels;
        std::vector<double>& shared = normSums_[normSlot_[i]];
        const float* mean = worker.mean[i].data();
        const float* inverse = worker.inverseDeviation[i].data();
        double* mine = shared.data() + static_cast<size_t>(omp_get_thread_num()) * 4 * channels + 2 * channels;
        team.guard([&] {
          std::vector<double> sumGradient, sumGradientNormalised;
          channelSums(
              pixels, channels, sumGradient, sumGradientNormalised,
              [&](int64_t r, int64_t c) { return gradient[r * channels + c]; },
              [&](int64_t r, int64_t c) {
                return gradient[r * channels + c] * (input[r * channels + c] - mean[c]) * inverse[c];
              });
          std::copy(sumGradient.begin(), sumGradient.end(), mine);
          std::copy(sumGradientNormalised.begin(), sumGradientNormalised.end(), mine + channels);
          // Each thread's share of dγ = Σ dy·x̂ and dβ = Σ dy; update() adds the threads' shares.
          if (parameter[0].trained) {
            for (int64_t c = 0; c < channels; c++) parameterGradient[0][c] = static_cast<float>(mine[channels + c]);
          }
          if (parameter[1].trained) {
            for (int64_t c = 0; c < channels; c++) parameterGradient[1][c] = static_cast<float>(mine[c]);
          }
        });
        if (!inputGradient) break;
#pragma omp barrier
        team.guard([&] {
          // dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy·x̂)) with the means over the whole batch.
          const double count = static_cast<double>(team.batch * layer.inputSize / channels);
          std::vector<float> meanGradient(channels), meanGradientNormalised(channels), factor(channels);
          for (int64_t c = 0; c < channels; c++) {
            double sum = 0, normalised = 0;
            for (int t = 0; t < team.size; t++) {
              sum += shared[static_cast<size_t>(t) * 4 * channels + 2 * channels + c];
              normalised += shared[static_cast<size_t>(t) * 4 * channels + 3 * channels + c];
            }
            meanGradient[c] = static_cast<float>(sum / count);
            meanGradientNormalised[c] = static_cast<float>(normalised / count);
            factor[c] = parameter[0].value[c] * inverse[c];
          }
          for (int64_t r = 0; r < pixels; r++) {
            const float* g = gradient + r * channels;
            const float* x = input + r * channels;
            float* dx = spare + r * channels;
            for (int64_t c = 0; c < channels; c++) {
              const float normalised = (x[c] - mean[c]) * inverse[c];
              dx[c] = factor[c] * (g[c] - meanGradient[c] - normalised * meanGradientNormalised[c]);
            }
          }
        });
        wroteSpare = true;
        break;
      }
    }
    if (wroteSpare) std::swap(gradient, spare);
    if (timing) profile_[layers_.size() + i] += millisecondsSince(start);
  }
}

void TrainingStep::update(Team& team, const StepInputs& inputs) {
  // The trained values laid end to end, split evenly between the threads: each sums the threads' gradients of its
  // share and applies the optimiser to it.
  int64_t total = 0;
  for (const Parameter& parameter : inputs.parameters) total += parameter.trained ? parameter.size : 0;
  const int thread = omp_get_thread_num();
  const int64_t from = total * thread / team.size;
  const int64_t to = total * (thread + 1) / team.size;
  const float correction1 = 1.f - (inputs.accumulatedBeta1 ? *inputs.accumulatedBeta1 : 0.f);
  const float correction2 = 1.f - (inputs.accumulatedBeta2 ? *inputs.accumulatedBeta2 : 0.f);
  int64_t start = 0;
  for (size_t p = 0; p < inputs.parameters.size(); p++) {
    const Parameter& parameter = inputs.parameters[p];
    if (!parameter.trained) continue;
    const int64_t first = std::max<int64_t>(from - start, 0);
    const int64_t last = std::min<int64_t>(to - start, parameter.size);
    start += parameter.size;
    if (first >= last) continue;
    for (int64_t k = first; k < last; k++) {
      float g = 0;
      for (int t = 0; t < team.size; t++) g += workers_[t]->parameterGradients[p][k];
      if (inputs.optimizer == OptimizerKind::sgd) {
        parameter.value[k] -= inputs.learningRate * g;
        continue;
      }
      const float m = inputs.beta1 * parameter.firstMoment[k] + (1.f - inputs.beta1) * g;
      const float v = inputs.beta2 * parameter.secondMoment[k] + (1.f - inputs.beta2) * g * g;
      parameter.firstMoment[k] = m;
      parameter.secondMoment[k] = v;
      parameter.value[k] -= inputs.learningRate * (m / correction1) / (std::sqrt(v / correction2) + inputs.epsilon);
    }
  }
}

void TrainingStep::finish(const StepInputs& inputs) {
  const Worker& first = *workers_[0];
  for (size_t i = 0; i < layers_.size(); i++) {
    if (layers_[i].kind != LayerKind::batchNorm) continue;
    // tfjs-layers' moving averages: average − (average − batch value) · (1 − momentum), biased variance.
    const float decay = 1.f - (inputs.statisticsMomentum >= 0 ? inputs.statisticsMomentum : layers_[i].momentum);
    const Parameter* parameter = inputs.parameters.data() + firstParameter_[i];
    for (int64_t c = 0; c < channelsOf(layers_[i]); c++) {
      parameter[2].value[c] -= (parameter[2].value[c] - first.mean[i][c]) * decay;
      parameter[3].value[c] -= (parameter[3].value[c] - first.variance[i][c]) * decay;
    }
  }
  if (inputs.optimizer == OptimizerKind::adam && inputs.statisticsMomentum < 0) {
    *inputs.accumulatedBeta1 *= inputs.beta1;
    *inputs.accumulatedBeta2 *= inputs.beta2;
  }
}

}  // namespace cnnlab
