# Builds the OmniQuant native addon (build/Release/omniquant.node) with node-gyp.
# scripts/build-native.mjs runs it during `npm install` / `npm run build`, passing --nodedir so that no
# header download happens.
{
  "targets": [
    {
      "target_name": "omniquant",
      "sources": [
        "src/napi/binding.cpp",
        "src/stats/rolling.cpp",
        "src/itch/messages.cpp",
        "src/itch/decoder.cpp",
        "src/itch/book_builder.cpp",
        "src/napi/itch_binding.cpp",
        "src/book/order_book.cpp",
        "src/book/matching.cpp",
        "src/book/queries.cpp",
        "src/napi/book_binding.cpp",
        "src/features/moving_average.cpp",
        "src/features/momentum.cpp",
        "src/features/rolling_stats.cpp",
        "src/features/volatility.cpp",
        "src/features/scan.cpp",
        "src/napi/features_binding.cpp",
        "src/bars/ma_sweep.cpp",
        "src/napi/bars_binding.cpp",
        "src/portfolio/qp.cpp",
        "src/napi/portfolio_binding.cpp",
        "src/replay/exchange.cpp",
        "src/replay/replay.cpp",
        "src/napi/replay_binding.cpp"
      ],
      # node-addon-api's headers are included directly (not through its gyp targets, whose generated makefiles
      # would land in native/node_modules/). C++ exceptions on: a thrown Napi::Error becomes the JS exception and,
      # with NODE_ADDON_API_CPP_EXCEPTIONS_ALL, any other std::exception becomes a JS Error instead of an abort.
      "include_dirs": [
        "src",
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags": ["-O3", "-Wall", "-Wextra", "-fno-math-errno"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CFLAGS": ["-fno-math-errno"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": {"ExceptionHandling": 1, "Optimization": 2}
      }
    }
  ]
}
