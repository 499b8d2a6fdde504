// N-API adapter of the portfolio QP solver (native/src/portfolio). Called once from the module Init.
#pragma once

#include <napi.h>

namespace omq {

/// Adds portfolioQpSolveSync to the addon's exports.
void InitPortfolio(Napi::Env env, Napi::Object exports);

}  // namespace omq
