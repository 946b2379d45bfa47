// Shared oneDNN state: one CPU engine, a stream per thread, and caches of primitives keyed by shape (one per thread,
// so that a training step's threads never share a primitive's buffers), because creating a oneDNN primitive costs
// far more than running one on LeNet-sized tensors.
#pragma once
#include <oneapi/dnnl/dnnl.hpp>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

namespace cnnlab {

/** Runs oneDNN on `threads` threads while in scope; primitives must be created and run under the same count. */
class ThreadScope {
 public:
  explicit ThreadScope(int threads);
  ~ThreadScope();
};

dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

/** Remembers the implementation name oneDNN chose for a kind of primitive (e.g. "brgconv:avx512_core"). */
void noteImplementation(const char* kind, const std::string& name);

/** A cache of prepared computations of one type, keyed by a string describing their shapes. */
template <typename Entry>
class PrimitiveCache {
 public:
  Entry& get(const std::string& key, const std::function<std::unique_ptr<Entry>()>& make) {
    auto found = entries_.find(key);
    if (found != entries_.end()) return *found->second;
    // Shapes come from a few layers and batch sizes; a bound keeps a long sweep over many nets from growing it.
    if (entries_.size() >= 512) entries_.clear();
    return *entries_.emplace(key, make()).first->second;
  }

 private:
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;
};

/** A plain tensor in user memory (the wasm heap) plus, when oneDNN wants another layout, its own copy and reorders. */
struct Operand {
  dnnl::memory user;
  dnnl::memory inner;
  dnnl::reorder toInner;
  dnnl::reorder toUser;
  bool reordered = false;

  Operand() = default;
  Operand(const dnnl::memory::desc& userDesc, const dnnl::memory::desc& wanted, bool input);
  /** The memory the primitive reads, filled from `data` (reordered when needed). */
  dnnl::memory& in(const void* data);
  /** The memory the primitive writes; call `out(data)` after the primitive to land it in `data`. */
  dnnl::memory& target(void* data);
  void out(void* data);
};

}  // namespace cnnlab
