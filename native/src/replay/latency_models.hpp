// Order latency models (after hftbacktest's LatencyModel: ConstantLatency, IntpOrderLatency), all in nanoseconds.
//
//   entry(t)     latency from the strategy sending a request at local time t to the venue processing it;
//   response(t)  latency from the venue producing a response at exchange time t to the strategy receiving it.
//
// Kinds:
//   constant     entry = entry_ns, response = response_ns.
//   normal       entry_ns + entry_jitter * z (z standard normal, one draw per message), floored at min_ns.
//   lognormal    entry_ns * exp(entry_jitter * z): entry_ns is the median, entry_jitter the log-space sigma;
//                floored at min_ns. Same for response.
//   table        interpolated from a recorded table of (request local time, venue time, response local time)
//                rows sorted by request time, as hftbacktest's IntpOrderLatency: entry(t) interpolates
//                venue - request between the rows around t (clamped to the first/last row outside the table);
//                response(t) interpolates response - venue between the rows around exchange time t. A row
//                whose venue time is <= 0 records a rejection: entry() then returns minus the interpolated
//                round trip (response - request), meaning "rejected, and the strategy learns it after |value|".
//
// Cancels and replaces additionally wait cancel_delay_ns before they reach the venue (a venue that processes
// modifications more slowly than new orders).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "replay/rng.hpp"

#pragma GCC visibility push(hidden)
namespace omq::replay {

struct LatencyRow {
  int64_t req_ts;
  int64_t exch_ts;
  int64_t resp_ts;
};

struct LatencyConfig {
  enum Kind : uint8_t { kConstant = 0, kNormal = 1, kLognormal = 2, kTable = 3 };
  Kind kind = kConstant;
  int64_t entry_ns = 0;
  int64_t response_ns = 0;
  double entry_jitter = 0;     // normal: sd in ns; lognormal: sigma of log latency
  double response_jitter = 0;
  int64_t min_ns = 0;          // floor for jittered latencies
  int64_t cancel_delay_ns = 0;
  std::vector<LatencyRow> table;
};

class LatencyModel {
 public:
  explicit LatencyModel(LatencyConfig c) : c_(std::move(c)) {}

  const LatencyConfig& config() const { return c_; }

  int64_t entry(int64_t t, Rng& rng) const {
    switch (c_.kind) {
      case LatencyConfig::kConstant: return c_.entry_ns;
      case LatencyConfig::kNormal: return jitter_normal(c_.entry_ns, c_.entry_jitter, rng);
      case LatencyConfig::kLognormal: return jitter_lognormal(c_.entry_ns, c_.entry_jitter, rng);
      case LatencyConfig::kTable: return table_entry(t);
    }
    return c_.entry_ns;
  }

  int64_t response(int64_t t, Rng& rng) const {
    switch (c_.kind) {
      case LatencyConfig::kConstant: return c_.response_ns;
      case LatencyConfig::kNormal: return jitter_normal(c_.response_ns, c_.response_jitter, rng);
      case LatencyConfig::kLognormal: return jitter_lognormal(c_.response_ns, c_.response_jitter, rng);
      case LatencyConfig::kTable: return table_response(t);
    }
    return c_.response_ns;
  }

  int64_t cancel_delay() const { return c_.cancel_delay_ns; }

 private:
  int64_t floor_ns(double v) const {
    if (!(v > static_cast<double>(c_.min_ns))) return c_.min_ns;
    if (v > 9.0e18) return static_cast<int64_t>(9.0e18);
    return static_cast<int64_t>(std::llround(v));
  }
  int64_t jitter_normal(int64_t mean, double sd, Rng& rng) const {
    if (sd <= 0) return std::max(mean, c_.min_ns);
    return floor_ns(static_cast<double>(mean) + sd * rng.normal());
  }
  int64_t jitter_lognormal(int64_t median, double sigma, Rng& rng) const {
    if (sigma <= 0) return std::max(median, c_.min_ns);
    return floor_ns(static_cast<double>(median) * std::exp(sigma * rng.normal()));
  }

  // Linear interpolation at x between (x1, y1) and (x2, y2), truncated toward zero like hftbacktest.
  static int64_t intp(int64_t x, int64_t x1, int64_t y1, int64_t x2, int64_t y2) {
    if (x2 == x1) return y1;
    const double slope = static_cast<double>(y2 - y1) / static_cast<double>(x2 - x1);
    return static_cast<int64_t>(slope * static_cast<double>(x - x1)) + y1;
  }

  int64_t table_entry(int64_t t) const {
    const auto& tb = c_.table;
    if (tb.empty()) return c_.entry_ns;
    if (t < tb.front().req_ts) return row_entry(tb.front());
    // The last row with req_ts <= t.
    const auto it = std::upper_bound(tb.begin(), tb.end(), t, [](int64_t v, const LatencyRow& r) { return v < r.req_ts; });
    const std::size_t i = static_cast<std::size_t>(it - tb.begin()) - 1;
    if (i + 1 >= tb.size()) return row_entry(tb.back());
    const LatencyRow& a = tb[i];
    const LatencyRow& b = tb[i + 1];
    if (a.exch_ts <= 0 || b.exch_ts <= 0) {
      return -intp(t, a.req_ts, a.resp_ts - a.req_ts, b.req_ts, b.resp_ts - b.req_ts);
    }
    return intp(t, a.req_ts, a.exch_ts - a.req_ts, b.req_ts, b.exch_ts - b.req_ts);
  }
  static int64_t row_entry(const LatencyRow& r) {
    return r.exch_ts <= 0 ? -(r.resp_ts - r.req_ts) : r.exch_ts - r.req_ts;
  }

  int64_t table_response(int64_t t) const {
    const auto& tb = c_.table;
    if (tb.empty()) return c_.response_ns;
    // Rows the venue processed, in venue-time order (rejected rows carry no venue time).
    const std::vector<LatencyRow>& rows = processed_rows();
    if (rows.empty()) return c_.response_ns;
    if (t < rows.front().exch_ts) return rows.front().resp_ts - rows.front().exch_ts;
    const auto it = std::upper_bound(rows.begin(), rows.end(), t, [](int64_t v, const LatencyRow& r) { return v < r.exch_ts; });
    const std::size_t i = static_cast<std::size_t>(it - rows.begin()) - 1;
    if (i + 1 >= rows.size()) return rows.back().resp_ts - rows.back().exch_ts;
    const LatencyRow& a = rows[i];
    const LatencyRow& b = rows[i + 1];
    return std::max<int64_t>(0, intp(t, a.exch_ts, a.resp_ts - a.exch_ts, b.exch_ts, b.resp_ts - b.exch_ts));
  }
  const std::vector<LatencyRow>& processed_rows() const {
    if (!processed_ready_) {
      for (const LatencyRow& r : c_.table)
        if (r.exch_ts > 0) processed_.push_back(r);
      std::stable_sort(processed_.begin(), processed_.end(),
                       [](const LatencyRow& a, const LatencyRow& b) { return a.exch_ts < b.exch_ts; });
      processed_ready_ = true;
    }
    return processed_;
  }

  LatencyConfig c_;
  mutable std::vector<LatencyRow> processed_;
  mutable bool processed_ready_ = false;
};

}  // namespace omq::replay
#pragma GCC visibility pop
