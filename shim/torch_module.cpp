// The one thing redisai-rs needs from libtorch that tch does not expose:
// the schema of a TorchScript module's forward(), for the input names and
// the output count RedisAI reported. Every C++ exception is caught here and
// returned as text; nothing unwinds into Rust.

#include <torch/script.h>

#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

namespace {

char* dup(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p != nullptr) {
    std::memcpy(p, s.c_str(), s.size() + 1);
  }
  return p;
}

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

}  // namespace

extern "C" {

// On success returns 0 and sets *out to "<output count>\n<input name>\n...",
// allocated with malloc. On failure returns 1 and sets *err likewise.
int redisai_torch_schema(const char* data, size_t len, char** out, char** err) {
  *out = nullptr;
  *err = nullptr;
  try {
    std::istringstream in(std::string(data, len));
    torch::jit::Module module = torch::jit::load(in, c10::Device(c10::kCPU));
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
    *out = dup(text.str());
    return *out == nullptr ? 1 : 0;
  } catch (const c10::Error& e) {
    *err = dup(e.what_without_backtrace());
  } catch (const std::exception& e) {
    *err = dup(e.what());
  } catch (...) {
    *err = dup("unknown C++ exception");
  }
  return 1;
}

void redisai_torch_free(char* p) { std::free(p); }

}  // extern "C"
