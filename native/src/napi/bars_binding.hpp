// N-API adapter of the bar-backtest kernels (native/src/bars). Called once from the module Init.
#pragma once

#include <napi.h>

namespace omq {

/// Adds the bars* functions to the addon's exports.
void InitBars(Napi::Env env, Napi::Object exports);

}  // namespace omq
