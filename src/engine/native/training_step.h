// A whole training step of a sequential network in one native call: forward pass, softmax cross-entropy, backward
// pass and the optimiser's update. Driven from JavaScript, a step is ~150–250 kernel calls whose bookkeeping is
// serial and left a second core idle; here the batch is split between the threads, each running every layer on its
// rows on one core, and the threads meet only where the whole batch matters: batch norm's statistics, the loss, and
// summing the weight gradients before the update.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels.h"

namespace cnnlab {

enum class LayerKind { convolution = 1, maxPool = 2, averagePool = 3, batchNorm = 4, activation = 5, dropout = 6,
                       flatten = 7, dense = 8 };

/** One layer of the network, as src/engine/trainingStep/plan.ts describes it. Sizes are per image. */
struct LayerSpec {
  LayerKind kind;
  Activation activation = Activation::none;
  bool bias = false;
  // Dropout's rate; batch norm's epsilon and momentum.
  float rate = 0, epsilon = 0, momentum = 0;
  int64_t inputSize = 0, outputSize = 0;
  // Convolution and pooling geometry for one image (batch is set per slice); dense: inChannels × outChannels.
  Window window{};
};

/** A weight (or batch norm's moving statistic) in the wasm heap, with its optimiser slots when it is trained. */
struct Parameter {
  float* value = nullptr;
  float* firstMoment = nullptr;   // Adam's m
  float* secondMoment = nullptr;  // Adam's v
  int64_t size = 0;
  bool trained = false;
};

enum class OptimizerKind { sgd = 0, adam = 1 };

struct StepInputs {
  int64_t batch = 0;
  const float* images = nullptr;  // [batch, inputSize]
  const float* labels = nullptr;  // [batch, classes], one-hot or soft
  OptimizerKind optimizer = OptimizerKind::adam;
  float learningRate = 0, beta1 = 0, beta2 = 0, epsilon = 0;
  float* accumulatedBeta1 = nullptr;  // Adam: β1^t and β2^t, advanced after the update as tfjs does
  float* accumulatedBeta2 = nullptr;
  // In layer order: convolution and dense kernel then bias; batch norm gamma, beta, moving mean, moving variance.
  std::vector<Parameter> parameters;
  // At least 0: no training, only a forward pass in training mode that moves batch norm's moving statistics with
  // this momentum instead of the layers' own (labels may then be null).
  float statisticsMomentum = -1;
};

struct StepResult {
  double loss = 0;      // mean categorical cross-entropy over the batch, probabilities clipped to [1e-7, 1]
  double accuracy = 0;  // share of rows whose largest probability is at the label's largest entry
};

/** Parameters each layer has, in the order StepInputs::parameters lists them. */
int parameterCount(const LayerSpec& layer);

class TrainingStep {
 public:
  /** Checks the network (sizes chain, the last layer's activation is softmax) and throws naming what is wrong. */
  TrainingStep(std::vector<LayerSpec> layers, int64_t classes);
  ~TrainingStep();
  StepResult run(const StepInputs& inputs);
  /**
   * Milliseconds thread 0 spent since the last call: per layer forward, then per layer backward, then the update
   * (waits at barriers included), then the number of steps. Resets the sums.
   */
  std::vector<double> takeProfile();

 private:
  struct Worker;
  struct Team;
  void prepare(Worker& worker, int64_t rows, const StepInputs& inputs);
  void forward(Team& team, Worker& worker, const StepInputs& inputs, int64_t from, int64_t rows);
  void backward(Team& team, Worker& worker, const StepInputs& inputs, int64_t rows);
  void update(Team& team, const StepInputs& inputs);
  void finish(const StepInputs& inputs);

  std::vector<LayerSpec> layers_;
  std::vector<int> firstParameter_;
  // Per layer: its batch norm's slot in normSums_, or -1.
  std::vector<int> normSlot_;
  int64_t classes_;
  int64_t largestActivation_ = 0;
  std::vector<Worker*> workers_;
  // Per batch norm layer: each thread's per-channel sums (forward: Σ(x − k), Σ(x − k)²; backward: Σdy, Σdy·x̂),
  // shared so that every thread combines them into the whole batch's.
  std::vector<std::vector<double>> normSums_;
  uint64_t steps_ = 0;
  // Thread 0's time per layer forward and backward, and in the update (milliseconds), since takeProfile().
  std::vector<double> profile_;
  uint64_t profiledSteps_ = 0;
};

}  // namespace cnnlab
