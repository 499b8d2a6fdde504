// Cron expressions and time zones, checked with croner before a schedule is stored: 5 fields (minute precision),
// 6 fields (with seconds first) or 7 (with years), plus croner's nicknames (@daily, @hourly, ...).
import { Cron } from "croner";
import { contextError } from "../../lib/util/errors.js";

export function validateTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
  } catch (cause) {
    throw contextError({ what: `the time zone ${JSON.stringify(tz)} is unknown`, where: "--tz", expected: "an IANA zone such as Europe/London, America/New_York or UTC", cause });
  }
}

/** Throws a whole-sentence error unless `expr` is a cron expression that fires at least once more. */
export function validateCron(expr: string, tz?: string | null): void {
  if (tz) validateTimeZone(tz);
  let next: Date | null;
  try {
    next = new Cron(expr, { timezone: tz ?? undefined, paused: true }).nextRun();
  } catch (cause) {
    throw contextError({
      what: `the cron expression ${JSON.stringify(expr)} is invalid (${(cause as Error).message.replace(/\.$/, "")})`,
      expected: '5 fields "min hour day month weekday" (e.g. "30 9 * * 1-5") or 6 with seconds first (e.g. "*/10 * * * * *")',
      cause,
    });
  }
  if (!next) throw contextError({ what: `the cron expression ${JSON.stringify(expr)} never fires again`, hint: "Check the day and month fields" });
}

/** When the expression fires next after `from`, or null. */
export function nextRun(expr: string, tz: string | null, from = new Date()): Date | null {
  try {
    return new Cron(expr, { timezone: tz ?? undefined, paused: true }).nextRun(from);
  } catch {
    return null;
  }
}

/** "2024-05-01 09:30:00" in `tz` (or the machine's zone). */
export function formatInZone(d: Date, tz: string | null): string {
  const f = new Intl.DateTimeFormat("sv-SE", {
    timeZone: tz ?? undefined,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  return f.format(d);
}
