// In-process baselines for the backends benchmark (BENCH_SUITE=backends):
// the fraud MLP run through the same C APIs and libraries the module uses
// (TensorFlow's C API from the tensorflow-cpu wheel, LiteRT 2.1.4's from
// ai-edge-litert), one request at a time as the module does it: make the
// input tensors, run, copy the output out. Prints the p50 of 5,000 runs
// after 500 warm-up runs, in microseconds.
//
// usage: tf_tflite <tf-fraud.pb> <tflite-fraud.tflite>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "litert/c/litert_common.h"
#include "litert/c/litert_compiled_model.h"
#include "litert/c/litert_environment.h"
#include "litert/c/litert_model.h"
#include "litert/c/litert_options.h"
#include "litert/c/litert_tensor_buffer.h"
#include "tensorflow/c/c_api.h"

static std::vector<char> read(const char* path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<char>((std::istreambuf_iterator<char>(f)), {});
}

static std::vector<float> inputs(int n) {
    std::vector<float> v(n);
    for (int i = 0; i < n; i++) v[i] = (float)((i * 37) % 100) / 100.0f;
    return v;
}

template <typename F>
static double p50(F once) {
    std::vector<double> us;
    for (int i = 0; i < 5500; i++) {
        auto t = std::chrono::steady_clock::now();
        once();
        double d = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t).count();
        if (i >= 500) us.push_back(d);
    }
    std::sort(us.begin(), us.end());
    return us[us.size() / 2];
}

static double run_tf(const char* path) {
    auto blob = read(path);
    TF_Status* s = TF_NewStatus();
    TF_Graph* g = TF_NewGraph();
    TF_Buffer* b = TF_NewBufferFromString(blob.data(), blob.size());
    TF_ImportGraphDefOptions* o = TF_NewImportGraphDefOptions();
    TF_GraphImportGraphDef(g, b, o, s);
    if (TF_GetCode(s)) { fprintf(stderr, "tf import: %s\n", TF_Message(s)); exit(1); }
    TF_SessionOptions* so = TF_NewSessionOptions();
    TF_Session* sess = TF_NewSession(g, so, s);
    TF_Output in[2] = {{TF_GraphOperationByName(g, "transaction"), 0},
                       {TF_GraphOperationByName(g, "reference"), 0}};
    TF_Output out = {TF_GraphOperationByName(g, "output"), 0};
    auto t = inputs(30), r = inputs(256);
    float result[2];
    return p50([&] {
        int64_t d0[2] = {1, 30}, d1[2] = {1, 256};
        TF_Tensor* v[2] = {TF_AllocateTensor(TF_FLOAT, d0, 2, 30 * 4), TF_AllocateTensor(TF_FLOAT, d1, 2, 256 * 4)};
        memcpy(TF_TensorData(v[0]), t.data(), 30 * 4);
        memcpy(TF_TensorData(v[1]), r.data(), 256 * 4);
        TF_Tensor* o = nullptr;
        TF_SessionRun(sess, nullptr, in, v, 2, &out, &o, 1, nullptr, 0, nullptr, s);
        if (TF_GetCode(s)) { fprintf(stderr, "tf run: %s\n", TF_Message(s)); exit(1); }
        memcpy(result, TF_TensorData(o), 8);
        TF_DeleteTensor(v[0]); TF_DeleteTensor(v[1]); TF_DeleteTensor(o);
    });
}

static void* aligned(size_t n) { return aligned_alloc(64, (n + 63) / 64 * 64); }

static double run_tflite(const char* path) {
    auto blob = read(path);
    LiteRtEnvironment env;
    LiteRtCreateEnvironment(0, nullptr, &env);
    LiteRtModel model;
    if (LiteRtCreateModelFromBuffer(blob.data(), blob.size(), &model)) { fprintf(stderr, "tflite load\n"); exit(1); }
    LiteRtOptions opts;
    LiteRtCreateOptions(&opts);
    LiteRtSetOptionsHardwareAccelerators(opts, kLiteRtHwAcceleratorCpu);
    LiteRtCompiledModel cm;
    if (LiteRtCreateCompiledModel(env, model, opts, &cm)) { fprintf(stderr, "tflite compile\n"); exit(1); }
    LiteRtSignature sig;
    LiteRtGetModelSignature(model, 0, &sig);
    LiteRtRankedTensorType ty[3];
    LiteRtTensor tt;
    for (int i = 0; i < 2; i++) { LiteRtGetSignatureInputTensorByIndex(sig, i, &tt); LiteRtGetRankedTensorType(tt, &ty[i]); }
    LiteRtGetSignatureOutputTensorByIndex(sig, 0, &tt); LiteRtGetRankedTensorType(tt, &ty[2]);
    size_t n[3] = {30 * 4, 256 * 4, 2 * 4};
    if (ty[0].layout.dimensions[1] != 30) std::swap(n[0], n[1]);
    auto t = inputs(30), r = inputs(256);
    float result[2];
    return p50([&] {
        void* mem[3];
        LiteRtTensorBuffer buf[3];
        for (int i = 0; i < 3; i++) {
            mem[i] = aligned(n[i]);
            if (i < 2) memcpy(mem[i], n[i] == 120 ? t.data() : r.data(), n[i]);
            LiteRtCreateTensorBufferFromHostMemory(&ty[i], mem[i], n[i], nullptr, &buf[i]);
        }
        if (LiteRtRunCompiledModel(cm, 0, 2, buf, 1, &buf[2])) { fprintf(stderr, "tflite run\n"); exit(1); }
        memcpy(result, mem[2], 8);
        for (int i = 0; i < 3; i++) { LiteRtDestroyTensorBuffer(buf[i]); free(mem[i]); }
    });
}

int main(int argc, char** argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s tf-fraud.pb tflite-fraud.tflite\n", argv[0]); return 2; }
    printf("inprocess_tf_p50_us %.1f\n", run_tf(argv[1]));
    printf("inprocess_tflite_p50_us %.1f\n", run_tflite(argv[2]));
    return 0;
}
