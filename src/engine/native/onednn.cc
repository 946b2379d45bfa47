#include "onednn.h"

#include <omp.h>

#include <map>
#include <mutex>

#include "kernels.h"

namespace cnnlab {

ThreadScope::ThreadScope(int threads) { omp_set_num_threads(threads); }
ThreadScope::~ThreadScope() { omp_set_num_threads(cnnlab::threads()); }

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  // One per thread, as the primitive caches are: a training step's threads run primitives at the same time.
  thread_local dnnl::stream stream(cpuEngine());
  return stream;
}

namespace {
std::map<std::string, std::string>& implementations() {
  static std::map<std::string, std::string> names;
  return names;
}
std::mutex implementationsLock;
}  // namespace

void noteImplementation(const char* kind, const std::string& name) {
  std::lock_guard<std::mutex> hold(implementationsLock);
  implementations()[kind] = name;
}

const char* implementationOf(const char* kind) {
  std::lock_guard<std::mutex> hold(implementationsLock);
  auto found = implementations().find(kind);
  return found == implementations().end() ? "" : found->second.c_str();
}

Operand::Operand(const dnnl::memory::desc& userDesc, const dnnl::memory::desc& wanted, bool input)
    : user(userDesc, cpuEngine(), DNNL_MEMORY_NONE) {
  if (wanted == userDesc) {
    inner = user;
    return;
  }
  reordered = true;
  inner = dnnl::memory(wanted, cpuEngine());
  if (input) toInner = dnnl::reorder(user, inner);
  else toUser = dnnl::reorder(inner, user);
}

dnnl::memory& Operand::in(const void* data) {
  user.set_data_handle(const_cast<void*>(data));
  if (reordered) toInner.execute(cpuStream(), user, inner);
  return inner;
}

dnnl::memory& Operand::target(void* data) {
  user.set_data_handle(data);
  return inner;
}

void Operand::out(void* data) {
  if (!reordered) return;
  user.set_data_handle(data);
  toUser.execute(cpuStream(), inner, user);
}

}  // namespace cnnlab
