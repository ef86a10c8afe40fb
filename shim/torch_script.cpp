// TorchScript scripts (AI.SCRIPTSTORE / AI.SCRIPTEXECUTE): the source is
// compiled here with torch::jit's compiler into a CompilationUnit, its entry
// points are checked, and its functions are called here. tch has no API for
// any of this.
//
// The custom operators RedisAI gave scripts are registered here:
//   redis::execute(str cmd, str[] args) -> Any
//   redis::asList(Any x) -> Any[]
//   redisAI::model_execute(str key, Tensor[] inputs, int num_outputs) -> Tensor[]
// and the names `redis` and `redisAI` resolve to them in a script. Their work
// is done in Rust (`redisai_rs_redis_execute`, `redisai_rs_model_execute`).
//
// Every C++ exception is caught here and returned as text; nothing unwinds
// into Rust, and no Rust panic unwinds into here (the callbacks catch them).

#include <torch/script.h>
#include <torch/csrc/jit/api/compilation_unit.h>
#include <torch/csrc/jit/frontend/resolver.h>
#include <torch/csrc/jit/frontend/sugared_value.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
// Runs a Redis command for a script. On success returns 0 and sets *out to
// a malloc'd encoded reply (see decode_reply) of *out_len bytes; on failure
// returns 1 and sets *out to the malloc'd error text.
int redisai_rs_redis_execute(const char* const* argv, const size_t* lens, size_t argc, char** out,
                             size_t* out_len);
// Runs a stored model for a script. On success returns 0 and sets *outputs
// to a malloc'd array of *n_outputs tensors made with `new torch::Tensor`
// (owned by the caller); on failure returns 1 and sets *err (malloc'd).
int redisai_rs_model_execute(const char* key, size_t key_len, const torch::Tensor* const* inputs,
                             size_t n, int64_t num_outputs, torch::Tensor*** outputs,
                             size_t* n_outputs, char** err);
}

struct RedisaiScript {
  std::shared_ptr<torch::jit::CompilationUnit> cu;
  c10::Device device;
};

namespace {

char* dup(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p != nullptr) {
    std::memcpy(p, s.c_str(), s.size() + 1);
  }
  return p;
}

std::string take(char* p) {
  if (p == nullptr) {
    return std::string();
  }
  std::string s(p);
  std::free(p);
  return s;
}

// The error an operator raised, word for word: libtorch wraps an exception
// thrown inside the interpreter in a traceback, and the reply must be the
// operator's own text ("Redis command returned an error: ...").
thread_local std::string op_error;

[[noreturn]] void raise(const std::string& text) {
  op_error = text;
  throw std::runtime_error(text);
}

// The reply encoding written by Rust: 'N' | 'S' u64 len, bytes | 'I' i64 |
// 'L' u64 count, items. Rust bounds its depth; the reader checks every length.
struct Reader {
  const char* p;
  const char* end;

  uint64_t u64() {
    if (end - p < 8) {
      throw std::runtime_error("truncated reply");
    }
    uint64_t v;
    std::memcpy(&v, p, 8);
    p += 8;
    return v;
  }

  c10::IValue value(int depth) {
    if (p >= end || depth > 64) {
      throw std::runtime_error("malformed reply");
    }
    char tag = *p++;
    switch (tag) {
      case 'N':
        return c10::IValue();
      case 'I':
        return c10::IValue(static_cast<int64_t>(u64()));
      case 'S': {
        uint64_t n = u64();
        if (n > static_cast<uint64_t>(end - p)) {
          throw std::runtime_error("truncated reply");
        }
        std::string s(p, n);
        p += n;
        return c10::IValue(std::move(s));
      }
      case 'L': {
        uint64_t n = u64();
        if (n > static_cast<uint64_t>(end - p)) {
          throw std::runtime_error("truncated reply");
        }
        c10::impl::GenericList list(c10::AnyType::get());
        list.reserve(n);
        for (uint64_t i = 0; i < n; ++i) {
          list.push_back(value(depth + 1));
        }
        return c10::IValue(std::move(list));
      }
      default:
        throw std::runtime_error("malformed reply");
    }
  }
};

c10::IValue redis_execute(std::string cmd, std::vector<std::string> args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size() + 1);
  lens.reserve(args.size() + 1);
  argv.push_back(cmd.data());
  lens.push_back(cmd.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  char* out = nullptr;
  size_t out_len = 0;
  int status = redisai_rs_redis_execute(argv.data(), lens.data(), argv.size(), &out, &out_len);
  if (status != 0) {
    raise(take(out));
  }
  std::unique_ptr<char, decltype(&std::free)> owned(out, &std::free);
  Reader r{out, out + out_len};
  return r.value(0);
}

c10::List<c10::IValue> as_list(c10::IValue v) {
  if (!v.isList()) {
    raise("redis.asList: the value is not a list");
  }
  return v.toList();
}

c10::List<at::Tensor> model_execute(std::string key, c10::List<at::Tensor> inputs,
                                    int64_t num_outputs) {
  std::vector<at::Tensor> in(inputs.begin(), inputs.end());
  std::vector<const torch::Tensor*> ptrs;
  ptrs.reserve(in.size());
  for (const auto& t : in) {
    ptrs.push_back(&t);
  }
  torch::Tensor** out = nullptr;
  size_t n_out = 0;
  char* err = nullptr;
  int status = redisai_rs_model_execute(key.data(), key.size(), ptrs.data(), ptrs.size(),
                                        num_outputs, &out, &n_out, &err);
  if (status != 0) {
    raise(take(err));
  }
  c10::List<at::Tensor> result;
  result.reserve(n_out);
  for (size_t i = 0; i < n_out; ++i) {
    std::unique_ptr<torch::Tensor> t(out[i]);
    result.push_back(std::move(*t));
  }
  std::free(out);
  return result;
}

// `torch` is aten, as in torch::jit::compile; `redis` and `redisAI` are the
// operators registered below; the built-in exception names can be raised.
struct ScriptResolver : public torch::jit::Resolver {
  std::shared_ptr<torch::jit::SugaredValue> resolveValue(const std::string& name,
                                                         torch::jit::GraphFunction&,
                                                         const torch::jit::SourceRange&) override {
    if (name == "torch") {
      return std::make_shared<torch::jit::BuiltinModule>("aten");
    }
    if (name == "redis") {
      return std::make_shared<torch::jit::BuiltinModule>("redis");
    }
    if (name == "redisAI") {
      return std::make_shared<torch::jit::BuiltinModule>("redisAI");
    }
    // `raise Exception("...")` and the usual built-in exception names, as
    // the Python frontend resolves them.
    static const char* const exceptions[] = {"Exception",  "RuntimeError", "ValueError",
                                             "TypeError",  "KeyError",     "IndexError",
                                             "AssertionError"};
    for (const char* e : exceptions) {
      if (name == e) {
        return std::make_shared<torch::jit::ExceptionValue>(name);
      }
    }
    return nullptr;
  }
  c10::TypePtr resolveType(const std::string&, const torch::jit::SourceRange&) override {
    return nullptr;
  }
};

void register_operators() {
  static auto registry =
      torch::RegisterOperators()
          .op("redis::execute(str cmd, str[] args) -> Any", &redis_execute)
          .op("redis::asList(Any x) -> Any[]", &as_list)
          .op("redisAI::model_execute(str key, Tensor[] inputs, int num_outputs) -> Tensor[]",
              &model_execute);
  (void)registry;
}

torch::jit::Function* find(RedisaiScript* s, const char* name) {
  // An empty name is no function (QualifiedName would throw a c10 text).
  if (name == nullptr || *name == '\0') {
    return nullptr;
  }
  return s->cu->find_function(c10::QualifiedName(name));
}

bool is_list_of(const c10::TypePtr& t, const c10::TypePtr& elem) {
  auto list = t->cast<c10::ListType>();
  return list && *list->getElementType() == *elem;
}

// 0: fine; otherwise *err says why, with RedisAI's texts (no ERR prefix).
int check_entry(RedisaiScript* s, const char* fn, std::string& err) {
  torch::jit::Function* f = find(s, fn);
  if (f == nullptr) {
    err = std::string("Function ") + fn + " does not exist in the given script.";
    return 1;
  }
  const auto& args = f->getSchema().arguments();
  if (args.size() != 3) {
    err = std::string("Wrong number of inputs in function ") + fn + ". Expected 3 but was " +
          std::to_string(args.size());
    return 1;
  }
  if (!is_list_of(args[0].type(), c10::TensorType::get()) ||
      !is_list_of(args[1].type(), c10::StringType::get()) ||
      !is_list_of(args[2].type(), c10::StringType::get())) {
    err = std::string("Wrong inputs type in function ") + fn +
          ". Expected signature similar to: def " + fn +
          "(tensors: List[Tensor], keys: List[str], args: List[str])";
    return 1;
  }
  return 0;
}

struct NotATensor {};

void flatten(const c10::IValue& v, std::vector<at::Tensor>& out, int depth) {
  if (depth > 64) {
    throw NotATensor{};
  }
  if (v.isTensor()) {
    out.push_back(v.toTensor());
  } else if (v.isTuple()) {
    for (const auto& e : v.toTupleRef().elements()) {
      flatten(e, out, depth + 1);
    }
  } else if (v.isList()) {
    for (const c10::IValue& e : v.toListRef()) {
      flatten(e, out, depth + 1);
    }
  } else if (!(v.isNone() && depth == 0)) {
    throw NotATensor{};
  }
}

c10::List<std::string> strings(const char* const* p, const size_t* lens, size_t n) {
  c10::List<std::string> list;
  list.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    list.push_back(std::string(p[i], lens[i]));
  }
  return list;
}

}  // namespace

extern "C" {

// Compiles `len` bytes of TorchScript source for `device` (-1: CPU, n >= 0:
// CUDA device n) and checks the `n_entry` entry points. Returns 0 and sets
// *script; 1 with *err set to the compiler's text; 2 with *err set to an
// entry point's RedisAI error text.
int redisai_script_compile(const char* src, size_t len, int device, const char* const* entry,
                           size_t n_entry, RedisaiScript** script, char** err) {
  *script = nullptr;
  *err = nullptr;
  try {
    register_operators();
    c10::Device where = device < 0 ? c10::Device(c10::kCPU)
                                   : c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(device));
    auto cu = std::make_shared<torch::jit::CompilationUnit>();
    // A source without a final newline (a shell-quoted one) compiles too.
    cu->define(std::nullopt, std::string(src, len) + "\n", std::make_shared<ScriptResolver>(),
               nullptr);
    auto s = std::make_unique<RedisaiScript>(RedisaiScript{cu, where});
    for (size_t i = 0; i < n_entry; ++i) {
      std::string why;
      if (check_entry(s.get(), entry[i], why) != 0) {
        *err = dup(why);
        return 2;
      }
    }
    *script = s.release();
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

// Calls `fn`. `entry` != 0: as fn(tensors, keys, args); otherwise "best
// effort": parameters are filled positionally with tensors, a Tensor[]
// parameter taking the rest. On success returns 0 and sets *outputs (a
// malloc'd array of *n_outputs new tensors, on the CPU and contiguous).
// Returns 1 with *err (malloc'd) on an error, 2 when a returned value is not
// a tensor.
int redisai_script_run(RedisaiScript* s, const char* fn, int entry,
                       const torch::Tensor* const* inputs, size_t n, const char* const* keys,
                       const size_t* key_lens, size_t n_keys, const char* const* args,
                       const size_t* arg_lens, size_t n_args, torch::Tensor*** outputs,
                       size_t* n_outputs, char** err) {
  *outputs = nullptr;
  *n_outputs = 0;
  *err = nullptr;
  op_error.clear();
  try {
    torch::jit::Function* f = find(s, fn);
    if (f == nullptr) {
      *err = dup(std::string("Function does not exist: ") + fn);
      return 1;
    }
    std::vector<at::Tensor> tensors;
    tensors.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      tensors.push_back(s->device.is_cpu() ? *inputs[i] : inputs[i]->to(s->device));
    }
    std::vector<c10::IValue> stack;
    if (entry != 0) {
      stack.emplace_back(c10::List<at::Tensor>(tensors));
      stack.emplace_back(strings(keys, key_lens, n_keys));
      stack.emplace_back(strings(args, arg_lens, n_args));
    } else {
      size_t next = 0;
      for (const auto& a : f->getSchema().arguments()) {
        if (a.type()->kind() == c10::TypeKind::TensorType) {
          if (next >= tensors.size()) {
            *err = dup(std::string("Wrong number of inputs provided to function: ") + fn);
            return 1;
          }
          stack.emplace_back(tensors[next++]);
        } else if (is_list_of(a.type(), c10::TensorType::get())) {
          std::vector<at::Tensor> rest(tensors.begin() + next, tensors.end());
          next = tensors.size();
          stack.emplace_back(c10::List<at::Tensor>(rest));
        } else {
          *err = dup(std::string("Unsupported input type in function definition: ") + fn);
          return 1;
        }
      }
    }
    c10::IValue result;
    {
      c10::NoGradGuard no_grad;
      result = (*f)(std::move(stack));
    }
    std::vector<at::Tensor> flat;
    flatten(result, flat, 0);
    std::vector<std::unique_ptr<torch::Tensor>> owned;
    owned.reserve(flat.size());
    for (auto& t : flat) {
      owned.push_back(std::make_unique<torch::Tensor>(t.to(c10::kCPU).contiguous()));
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
  } catch (const c10::Error& e) {
    *err = dup(op_error.empty() ? std::string(e.what_without_backtrace()) : op_error);
  } catch (const std::exception& e) {
    *err = dup(op_error.empty() ? std::string(e.what()) : op_error);
  } catch (...) {
    *err = dup("unknown C++ exception");
  }
  op_error.clear();
  return 1;
}

// Whether the script defines `fn`.
int redisai_script_has(RedisaiScript* s, const char* fn) {
  try {
    return find(s, fn) != nullptr ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

void redisai_script_free(RedisaiScript* s) { delete s; }

}  // extern "C"
