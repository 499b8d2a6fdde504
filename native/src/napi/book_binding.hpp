// N-API adapter of the matching engine (native/src/book): registers the book* functions on the addon's exports.
#pragma once

#include <napi.h>

namespace omq {

void InitBook(Napi::Env env, Napi::Object exports);

}  // namespace omq
