// N-API adapter of the feature kernels (native/src/features). Called once from the module Init.
#pragma once

#include <napi.h>

namespace omq {

/// Adds the features* functions to the addon's exports.
void InitFeatures(Napi::Env env, Napi::Object exports);

}  // namespace omq
