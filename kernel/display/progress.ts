import { escapeHtml } from "./html-escape.js";
import { formatCount } from "./format-value.js";
import type { MimeBundle } from "./sink.js";

export interface ProgressOptions {
  /** Shown before the bar, e.g. "backtest 2019-2024". */
  label?: string;
}

/** A live progress bar: one `display_data`, then `update_display_data` with the same display id. */
export interface Progress {
  readonly displayId: string;
  /** Sets the number of steps done (and an optional note shown after the timing). */
  update(done: number, extra?: string): void;
  /** Adds `n` steps (default 1). */
  tick(n?: number): void;
  /** Marks the work finished and shows the final state, whatever the throttle. */
  done(): void;
}

export interface ProgressState {
  done: number;
  total: number;
  label?: string;
  extra?: string;
  elapsedMs: number;
  finished: boolean;
}

/** At most ~10 updates a second reach the frontend; the final one always does. */
export const PROGRESS_MIN_INTERVAL_MS = 100;

export interface ProgressPublisher {
  displayId: string;
  publish(bundle: MimeBundle, first: boolean): void;
  now(): number;
}

/** The progress controller behind `display.progress`; `publish` sends a bundle under the publisher's display id. */
export function createProgress(total: number, opts: ProgressOptions, out: ProgressPublisher): Progress {
  const start = out.now();
  const state: ProgressState = { done: 0, total, elapsedMs: 0, finished: false };
  if (opts.label !== undefined) state.label = opts.label;
  let lastPublish = start;
  let completePublished = false;

  const publish = (first: boolean) => {
    const now = out.now();
    state.elapsedMs = now - start;
    lastPublish = now;
    out.publish(progressBundle(state), first);
  };

  publish(true);

  const progress: Progress = {
    displayId: out.displayId,
    update(done: number, extra?: string) {
      if (state.finished) return;
      state.done = Number.isFinite(done) ? Math.max(0, done) : state.done;
      if (extra !== undefined) state.extra = extra;
      const complete = state.done >= total;
      if (complete && !completePublished) {
        completePublished = true;
        publish(false);
      } else if (out.now() - lastPublish >= PROGRESS_MIN_INTERVAL_MS) {
        publish(false);
      }
    },
    tick(n = 1) {
      progress.update(state.done + n);
    },
    done() {
      if (state.finished) return;
      state.finished = true;
      publish(false);
    },
  };
  return progress;
}

/** "3.2s", "2m05s", "1h02m" */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function fraction(state: ProgressState): number {
  if (state.total <= 0) return 1;
  return Math.min(1, state.done / state.total);
}

function timing(state: ProgressState): string {
  const elapsed = `elapsed ${formatDuration(state.elapsedMs)}`;
  if (state.finished || state.done >= state.total) return elapsed;
  if (state.done <= 0) return elapsed;
  const eta = (state.elapsedMs / state.done) * (state.total - state.done);
  return `${elapsed}, eta ${formatDuration(eta)}`;
}

const BAR_WIDTH = 20;

/** `text/html` bar and a `text/plain` line like `label [##########..........] 50% 5/10 elapsed 3.2s, eta 3.2s`. */
export function progressBundle(state: ProgressState): MimeBundle {
  const f = fraction(state);
  const pct = Math.floor(f * 100);
  const counts = `${formatCount(state.done)} / ${formatCount(state.total)}`;
  const filled = Math.round(f * BAR_WIDTH);
  const plain = [
    state.label,
    `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}]`,
    `${pct}%`,
    `${state.done}/${state.total}`,
    timing(state),
    state.extra,
  ]
    .filter((s) => s !== undefined && s !== "")
    .join(" ");
  const color = state.finished && state.done < state.total ? "#d08c1c" : "#2b7bd6";
  const html =
    `<div class="omq-progress" style="font:12px/1.4 system-ui,sans-serif;max-width:640px">` +
    (state.label ? `<div style="margin-bottom:2px">${escapeHtml(state.label)}</div>` : "") +
    `<div style="background:#e8e8e8;border-radius:3px;height:10px;overflow:hidden">` +
    `<div style="background:${color};height:100%;width:${(f * 100).toFixed(1)}%"></div></div>` +
    `<div style="color:#666;margin-top:2px">${escapeHtml(`${counts} (${pct}%) ${timing(state)}`)}` +
    (state.extra ? ` · ${escapeHtml(state.extra)}` : "") +
    `</div></div>`;
  return { "text/plain": plain, "text/html": html };
}
