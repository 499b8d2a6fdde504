// The kernel's transport, in a worker thread: it owns the ZeroMQ sockets, checks signatures, answers heartbeats,
// kernel_info and interrupt_request at once (even while a cell keeps the main thread busy), and forwards every
// other request to the main thread, where cells run.
import inspector from "node:inspector";
import { parentPort, workerData } from "node:worker_threads";
import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import { endpoint, type ConnectionInfo } from "../protocol/connection.js";
import { Signer, decodeMessage, encodeMessage, newHeader, type Header, type Message } from "../protocol/wire.js";
import { CellState } from "../executor/cell-state.js";

export type ToMain =
  | { kind: "request"; channel: "shell" | "control"; msg: Message }
  | { kind: "input_reply"; msg: Message }
  | { kind: "flushed" }
  | { kind: "shutdown"; restart: boolean }
  | { kind: "interrupt" };

export type ToTransport =
  | { kind: "send"; channel: "shell" | "control" | "iopub" | "stdin"; msgType: string; content: unknown; parent: { header: Header; identities: Uint8Array[] } | null; metadata?: Record<string, unknown> }
  | { kind: "flush" }
  | { kind: "close" };

const { info, kernelInfo, cellState } = workerData as { info: ConnectionInfo; kernelInfo: Record<string, unknown>; cellState: SharedArrayBuffer };
/** Which cell the main thread runs (executor/cell-state.ts). */
const cell = new CellState(cellState);
/** An in-process inspector session on the main thread: only used to end JavaScript that SIGINT cannot reach. */
const mainThread = new inspector.Session();
mainThread.connectToMainThread();
/** How long the main thread has to take a SIGINT before its running JavaScript is terminated. */
const SIGNAL_GRACE_MS = 250;
const port = parentPort!;
const signer = new Signer(info.key, info.signature_scheme);
const session = randomUUID();

const shell = new zmq.Router();
const control = new zmq.Router();
const stdin = new zmq.Router();
const iopub = new zmq.Publisher();
const hb = new zmq.Reply();
const sockets = { shell, control, stdin, iopub } as const;

// A ZeroMQ socket takes one send at a time: queue them per socket, in order.
const chains = new Map<unknown, Promise<void>>();
function sendFrames(sock: zmq.Writable & object, frames: Buffer[]): void {
  const prev = chains.get(sock) ?? Promise.resolve();
  const next = prev
    .then(() => sock.send(frames))
    .catch((e: unknown) => {
      process.stderr.write(`omniquant kernel: send failed: ${String(e)}\n`);
    });
  chains.set(sock, next);
}

function send(channel: keyof typeof sockets, msgType: string, content: unknown, parent: { header: Header; identities: Uint8Array[] } | null, metadata: Record<string, unknown> = {}): void {
  const identities = channel === "iopub" ? [Buffer.from(`kernel.${session}.${msgType}`)] : (parent?.identities ?? []).map((i) => Buffer.from(i));
  const frames = encodeMessage(
    { header: newHeader(msgType, parent?.header.session ?? session), parent_header: parent?.header ?? {}, metadata, content: content as Record<string, unknown>, identities },
    signer,
  );
  sendFrames(sockets[channel], frames);
}

/** The signed messages arriving on a socket; a bad one is reported on stderr and skipped. */
async function* messages(sock: zmq.Router, channel: "shell" | "control" | "stdin"): AsyncGenerator<Message> {
  for await (const frames of sock) {
    let msg: Message;
    try {
      msg = decodeMessage(frames, signer, `${channel} channel`);
    } catch (e) {
      process.stderr.write(`omniquant kernel: dropped a bad message: ${(e as Error).message}\n`);
      continue;
    }
    yield msg;
  }
}

async function serve(channel: "shell" | "control", sock: zmq.Router): Promise<void> {
  for await (const msg of messages(sock, channel)) {
    const type = msg.header.msg_type;
    const parent = { header: msg.header, identities: msg.identities };
    if (type === "kernel_info_request") {
      send("iopub", "status", { execution_state: "busy" }, parent);
      send(channel, "kernel_info_reply", kernelInfo, parent);
      send("iopub", "status", { execution_state: "idle" }, parent);
    } else if (type === "interrupt_request") {
      // Interrupt the main thread: vm's breakOnSigint stops a busy loop, the executor's listener a pending await.
      // A cell busy after an await takes neither: if the same cell still runs and has not taken the signal after
      // the grace period, its JavaScript is terminated (V8 cancels the termination once that execution has
      // unwound; the pending SIGINT then ends the cell with an InterruptError, and the kernel keeps its state).
      const generation = cell.running();
      process.kill(process.pid, "SIGINT");
      if (generation !== 0) {
        setTimeout(() => {
          if (cell.running() === generation && cell.acknowledged() !== generation) {
            mainThread.post("Runtime.terminateExecution", (err) => {
              if (err) process.stderr.write(`omniquant kernel: could not stop the running cell: ${err.message}\n`);
            });
          }
        }, SIGNAL_GRACE_MS);
      }
      send(channel, "interrupt_reply", { status: "ok" }, parent);
    } else if (type === "shutdown_request") {
      const restart = Boolean(msg.content.restart);
      send("iopub", "status", { execution_state: "busy" }, parent);
      send(channel, "shutdown_reply", { status: "ok", restart }, parent);
      send("iopub", "status", { execution_state: "idle" }, parent);
      void Promise.all(chains.values()).then(() => port.postMessage({ kind: "shutdown", restart } satisfies ToMain));
      // If a cell keeps the main thread busy, it cannot exit by itself.
      setTimeout(() => process.kill(process.pid, "SIGKILL"), 3000).unref();
    } else {
      port.postMessage({ kind: "request", channel, msg } satisfies ToMain);
    }
  }
}

async function heartbeat(): Promise<void> {
  for await (const frames of hb) await hb.send(frames);
}

port.on("message", (m: ToTransport) => {
  if (m.kind === "send") send(m.channel, m.msgType, m.content, m.parent, m.metadata);
  else if (m.kind === "flush") port.postMessage({ kind: "flushed" } satisfies ToMain);
  else if (m.kind === "close") {
    void Promise.all(chains.values()).then(() => {
      for (const s of [shell, control, stdin, iopub, hb]) s.close();
      port.close();
    });
  }
});

await Promise.all([
  shell.bind(endpoint(info, "shell")),
  control.bind(endpoint(info, "control")),
  stdin.bind(endpoint(info, "stdin")),
  iopub.bind(endpoint(info, "iopub")),
  hb.bind(endpoint(info, "hb")),
]);
void serve("shell", shell);
void serve("control", control);
void heartbeat();
// stdin: the kernel sends input_request there (cells' input()); the answers go to the main thread at once.
void (async () => {
  for await (const msg of messages(stdin, "stdin")) {
    if (msg.header.msg_type === "input_reply") port.postMessage({ kind: "input_reply", msg } satisfies ToMain);
  }
})();
