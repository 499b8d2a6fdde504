// Which cell runs, in shared memory, for the kernel's transport thread (the main thread may be too busy to say).
// vm's breakOnSigint stops a cell's synchronous part and the executor's SIGINT listener a pending await, but once
// a cell has awaited, its code runs from the microtask queue: a busy loop there never yields to the signal. The
// transport then sees the same cell still running, its SIGINT not taken, and ends the running JavaScript through
// the inspector (server/transport.ts). No imports: the transport thread loads this module too.

const RUNNING = 0; // generation of the running cell, 0 for none
const ACKNOWLEDGED = 1; // last generation whose SIGINT listener ran

export class CellState {
  private readonly view: Int32Array;

  /** A new state, or a view of one made elsewhere (its `buffer`, passed to another thread). */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.view = new Int32Array(buffer);
  }

  running(): number {
    return Atomics.load(this.view, RUNNING);
  }
  setRunning(generation: number): void {
    Atomics.store(this.view, RUNNING, generation);
  }
  acknowledged(): number {
    return Atomics.load(this.view, ACKNOWLEDGED);
  }
  acknowledge(generation: number): void {
    Atomics.store(this.view, ACKNOWLEDGED, generation);
  }
}
