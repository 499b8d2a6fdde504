import { contextError } from "../../util/errors.js";

/**
 * Nanoseconds since the Unix epoch of local midnight starting `date` ("YYYY-MM-DD") in the IANA time zone
 * `timeZone` (e.g. "America/New_York": 2012-06-21 -> 2012-06-21T04:00:00Z, EDT). Uses the runtime's Intl data.
 */
export function zonedMidnightNs(date: string, timeZone: string): bigint {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m === null) throw contextError({ where: "zonedMidnightNs", what: `the date '${date}' is not a calendar date`, expected: "YYYY-MM-DD" });
  const naive = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch (cause) {
    throw contextError({ where: "zonedMidnightNs", what: `'${timeZone}' is not a time zone`, expected: "an IANA name such as America/New_York", cause });
  }
  // offset(t) = wall clock at t read as UTC, minus t. Midnight local = naive - offset; iterate for DST edges.
  const offset = (t: number) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - t;
  };
  let t = naive - offset(naive);
  t = naive - offset(t);
  return BigInt(t) * 1_000_000n;
}
