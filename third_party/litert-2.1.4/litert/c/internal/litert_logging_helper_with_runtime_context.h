// Copyright 2026 Google LLC.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//      http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

#ifndef ODML_LITERT_LITERT_C_INTERNAL_LITERT_LOGGING_HELPER_WITH_RUNTIME_CONTEXT_H_
#define ODML_LITERT_LITERT_C_INTERNAL_LITERT_LOGGING_HELPER_WITH_RUNTIME_CONTEXT_H_

#include "litert/c/litert_common.h"

typedef struct LiteRtRuntimeContext LiteRtRuntimeContext;

#ifdef __cplusplus
extern "C" {
#endif

// Propagates the minimum logger severity from environment options to the
// default logger using the runtime context.
LiteRtStatus LiteRtPropagateMinLoggerSeverityWithRuntimeContext(
    const LiteRtRuntimeContext* runtime_context,
    LiteRtEnvironmentOptions options);

#ifdef __cplusplus
}
#endif

#endif  // ODML_LITERT_LITERT_C_INTERNAL_LITERT_LOGGING_HELPER_WITH_RUNTIME_CONTEXT_H_
