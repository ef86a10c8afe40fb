// The TorchScript module, held on the C++ side: tch's CModule does not give
// out its `torch::jit::Module*`, and redisai-rs needs forward()'s schema
// (the input names and output count RedisAI reported), which tch does not
// expose. So the module is loaded here, once, and its schema read from that
// same module; forward() runs here too. tch is used for tensors only: a
// `torch::Tensor*` crosses this boundary as tch's `C_tensor*` (torch-sys
// defines `tensor` as `torch::Tensor*`).
//
// Every C++ exception is caught here and returned as text; nothing unwinds
// into Rust.

#include <torch/script.h>

#include <cstdlib>
#include <cstring>
#include <istream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

struct RedisaiTorchModule {
  torch::jit::Module module;
};

namespace {

char* dup(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p != nullptr) {
    std::memcpy(p, s.c_str(), s.size() + 1);
  }
  return p;
}

// A read-only, seekable stream over the caller's bytes, so a 50 MB model is
// not copied twice (std::string, then istringstream) before libtorch reads it.
// torch::jit::load(std::istream&) is kept (rather than a ReadAdapter) for
// its format check, whose error texts RedisAI's loader gave.
class MemoryBuf : public std::streambuf {
 public:
  MemoryBuf(const char* data, size_t len) {
    char* p = const_cast<char*>(data);  // never written: no put area
    setg(p, p, p + len);
  }

 protected:
  pos_type seekoff(off_type off, std::ios_base::seekdir dir,
                   std::ios_base::openmode) override {
    char* base = dir == std::ios_base::beg   ? eback()
                 : dir == std::ios_base::cur ? gptr()
                                             : egptr();
    off_type room_before = eback() - base;
    off_type room_after = egptr() - base;
    if (off < room_before || off > room_after) {
      return pos_type(off_type(-1));
    }
    setg(eback(), base + off, egptr());
    return pos_type(gptr() - eback());
  }

  pos_type seekpos(pos_type pos, std::ios_base::openmode which) override {
    return seekoff(off_type(pos), std::ios_base::beg, which);
  }
};

// Tensor -> 1; Tuple -> its Tensor elements; List -> -1 (unknown until run).
long count_tensors(const c10::TypePtr& t) {
  if (t->kind() == c10::TypeKind::TensorType) {
    return 1;
  }
  if (auto tuple = t->cast<c10::TupleType>()) {
    long n = 0;
    for (const auto& e : tuple->elements()) {
      if (e->kind() == c10::TypeKind::TensorType) {
        n += 1;
      }
    }
    return n;
  }
  if (t->kind() == c10::TypeKind::ListType) {
    return -1;
  }
  return 0;
}

// "<output count>\n<input name>\n..." for forward().
std::string schema_text(torch::jit::Module& module) {
  const c10::FunctionSchema& schema = module.get_method("forward").function().getSchema();
  long outputs = 0;
  for (const auto& r : schema.returns()) {
    long n = count_tensors(r.type());
    if (n < 0) {
      outputs = -1;
      break;
    }
    outputs += n;
  }
  std::ostringstream text;
  text << outputs << "\n";
  const auto& args = schema.arguments();
  for (size_t i = 1; i < args.size(); ++i) {  // arguments()[0] is self
    text << args[i].name() << "\n";
  }
  return text.str();
}

struct NotATensor {};

// Tensors in order; tuples and lists are walked depth-first.
void flatten(const c10::IValue& v, std::vector<at::Tensor>& out) {
  if (v.isTensor()) {
    out.push_back(v.toTensor());
  } else if (v.isTuple()) {
    for (const auto& e : v.toTupleRef().elements()) {
      flatten(e, out);
    }
  } else if (v.isList()) {
    for (const c10::IValue& e : v.toListRef()) {
      flatten(e, out);
    }
  } else {
    throw NotATensor{};
  }
}

}  // namespace

extern "C" {

// Loads a TorchScript module from the `len` bytes at `data` onto `device`
// (-1: CPU, n >= 0: CUDA device n), in eval mode. On success returns 0,
// sets *module (free it with redisai_torch_module_free) and *schema
// ("<output count>\n<input name>\n...", malloc'd). On failure returns 1 and
// sets *err (malloc'd).
int redisai_torch_load(const char* data, size_t len, int device, RedisaiTorchModule** module,
                       char** schema, char** err) {
  *module = nullptr;
  *schema = nullptr;
  *err = nullptr;
  try {
    MemoryBuf buf(data, len);
    std::istream in(&buf);
    c10::Device where = device < 0 ? c10::Device(c10::kCPU)
                                   : c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(device));
    auto loaded = std::make_unique<RedisaiTorchModule>(
        RedisaiTorchModule{torch::jit::load(in, where)});
    loaded->module.eval();
    *schema = dup(schema_text(loaded->module));
    if (*schema == nullptr) {
      *err = dup("out of memory");
      return 1;
    }
    *module = loaded.release();
    return 0;
  } catch (const c10::Error& e) {
    *err = dup(e.what_without_backtrace());
  } catch (const std::exception& e) {
    *err = dup(e.what());
  } catch (...) {
    *err = dup("unknown C++ exception");
  }
  return 1;
}

// Runs forward() under no-grad on the `n` tensors at `inputs`. On success
// returns 0 and sets *outputs to a malloc'd array of *n_outputs new tensors
// (`new torch::Tensor`, as tch's own tensors are made): the caller owns each
// one and frees the array with redisai_torch_free. On a libtorch error
// returns 1 and sets *err (malloc'd, with libtorch's backtrace, as tch's
// errors have it); returns 2 when an output is not a tensor.
int redisai_torch_forward(RedisaiTorchModule* m, const torch::Tensor* const* inputs, size_t n,
                          torch::Tensor*** outputs, size_t* n_outputs, char** err) {
  *outputs = nullptr;
  *n_outputs = 0;
  *err = nullptr;
  try {
    c10::NoGradGuard no_grad;
    std::vector<c10::IValue> args;
    args.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      args.emplace_back(*inputs[i]);
    }
    c10::IValue result = m->module.forward(std::move(args));
    std::vector<at::Tensor> tensors;
    flatten(result, tensors);
    std::vector<std::unique_ptr<torch::Tensor>> owned;
    owned.reserve(tensors.size());
    for (auto& t : tensors) {
      owned.push_back(std::make_unique<torch::Tensor>(std::move(t)));
    }
    size_t bytes = sizeof(torch::Tensor*) * (owned.empty() ? 1 : owned.size());
    auto** out = static_cast<torch::Tensor**>(std::malloc(bytes));
    if (out == nullptr) {
      *err = dup("out of memory");
      return 1;
    }
    for (size_t i = 0; i < owned.size(); ++i) {
      out[i] = owned[i].release();
    }
    *outputs = out;
    *n_outputs = owned.size();
    return 0;
  } catch (const NotATensor&) {
    return 2;
  } catch (const std::exception& e) {
    *err = dup(e.what());
  } catch (...) {
    *err = dup("unknown C++ exception");
  }
  return 1;
}

void redisai_torch_module_free(RedisaiTorchModule* m) { delete m; }

void redisai_torch_free(void* p) { std::free(p); }

}  // extern "C"
