// N-API adapter of the ITCH 5.0 decoder and book builder (native/src/itch). Called once from the module Init.
#pragma once

#include <napi.h>

namespace omq {

/// Adds the itch* functions to the addon's exports.
void InitItch(Napi::Env env, Napi::Object exports);

}  // namespace omq
