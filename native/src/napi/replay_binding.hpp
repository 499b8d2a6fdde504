// N-API adapter of the replay engine (native/src/replay): registers the replay* functions on the addon's exports.
#pragma once

#include <napi.h>

namespace omq {

void InitReplay(Napi::Env env, Napi::Object exports);

}  // namespace omq
