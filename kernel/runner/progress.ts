// Terminal progress for `omq run`: `[i/n] cell <id> ... ok 0.8s (elapsed 3.1s)`, one updating line on a TTY,
// one line per cell otherwise (logs, CI).
export type CellStatus = "ok" | "error" | "timeout" | "skipped";

export interface Progress {
  cellStart(i: number, n: number, id: string): void;
  cellEnd(i: number, n: number, id: string, status: CellStatus, durationS: number, elapsedS: number): void;
  /** Ends the updating line (if any) so later messages start on their own line. */
  done(): void;
}

interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export function terminalProgress(stream: Stream = process.stderr, tty = stream.isTTY === true): Progress {
  let open = false;
  const line = (s: string): void => {
    if (tty) {
      stream.write(`\r\x1b[K${s}`);
      open = true;
    } else {
      stream.write(`${s}\n`);
    }
  };
  return {
    cellStart(i, n, id) {
      if (tty) line(`[${i}/${n}] cell ${id} ...`);
    },
    cellEnd(i, n, id, status, durationS, elapsedS) {
      const took = status === "skipped" ? "" : ` ${durationS.toFixed(1)}s`;
      line(`[${i}/${n}] cell ${id} ... ${status}${took} (elapsed ${elapsedS.toFixed(1)}s)`);
      // Keep failures on screen: the updating line moves on only for cells that went well.
      if (tty && status !== "ok" && status !== "skipped") {
        stream.write("\n");
        open = false;
      }
    },
    done() {
      if (open) stream.write("\n");
      open = false;
    },
  };
}

export const silentProgress: Progress = { cellStart() {}, cellEnd() {}, done() {} };
