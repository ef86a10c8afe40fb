// The LiteRT C API surface the TFLITE backend uses. bindgen reads this
// against the LiteRT 2.1.4 headers in third_party/litert-2.1.4 (the version
// of the pinned ai-edge-litert wheel: the C API changed in 2.3, so the
// headers and the library must come from the same release).
#include "litert/c/litert_common.h"
#include "litert/c/litert_environment.h"
#include "litert/c/litert_model.h"
#include "litert/c/litert_options.h"
#include "litert/c/litert_compiled_model.h"
#include "litert/c/litert_tensor_buffer.h"
