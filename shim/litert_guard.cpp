// LiteRT's C API lets C++ exceptions escape: a crafted .tflite makes
// LiteRtCreateModelFromBuffer throw std::out_of_range ("Span::at failed
// bounds check"), and an exception that reaches Rust aborts the process.
// These wrappers call the LiteRT functions (pointers from the table that
// src/backends/tflite.rs loads) inside try/catch, and turn an exception into
// status -1 and its text. Every call into LiteRT that reads the model goes
// through here.
#include <cstddef>
#include <cstring>
#include <exception>

namespace {
void put(char* err, size_t len, const char* what) {
    if (err == nullptr || len == 0) return;
    std::strncpy(err, what, len - 1);
    err[len - 1] = '\0';
}
}  // namespace

#define GUARD(call)                                      \
    try {                                                \
        return static_cast<int>(call);                   \
    } catch (const std::exception& e) {                  \
        put(err, err_len, e.what());                     \
        return -1;                                       \
    } catch (...) {                                      \
        put(err, err_len, "unknown C++ exception");      \
        return -1;                                       \
    }

extern "C" {

typedef unsigned (*create_model_fn)(const void*, size_t, void**);
int redisai_litert_create_model(void* fn, const void* buf, size_t n, void** out, char* err,
                                size_t err_len) {
    GUARD(reinterpret_cast<create_model_fn>(fn)(buf, n, out))
}

typedef unsigned (*create_compiled_fn)(void*, void*, void*, void**);
int redisai_litert_create_compiled(void* fn, void* env, void* model, void* options, void** out,
                                   char* err, size_t err_len) {
    GUARD(reinterpret_cast<create_compiled_fn>(fn)(env, model, options, out))
}

typedef unsigned (*resize_fn)(void*, size_t, size_t, const int*, size_t);
int redisai_litert_resize(void* fn, void* compiled, size_t sig, size_t input, const int* dims,
                          size_t rank, char* err, size_t err_len) {
    GUARD(reinterpret_cast<resize_fn>(fn)(compiled, sig, input, dims, rank))
}

typedef unsigned (*layouts_fn)(void*, size_t, size_t, void*, bool);
int redisai_litert_layouts(void* fn, void* compiled, size_t sig, size_t n, void* layouts,
                           char* err, size_t err_len) {
    GUARD(reinterpret_cast<layouts_fn>(fn)(compiled, sig, n, layouts, true))
}

typedef unsigned (*run_fn)(void*, size_t, size_t, void**, size_t, void**);
int redisai_litert_run(void* fn, void* compiled, size_t sig, size_t n_in, void** ins, size_t n_out,
                       void** outs, char* err, size_t err_len) {
    GUARD(reinterpret_cast<run_fn>(fn)(compiled, sig, n_in, ins, n_out, outs))
}

}  // extern "C"
