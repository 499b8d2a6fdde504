// A Jupyter client over ZeroMQ (messaging protocol 5.3): starts a kernel process on a fresh connection file, runs
// code and collects the nbformat outputs of each request from iopub, the way nbclient does.
// Sockets: Dealer for shell, control and stdin; Subscriber (all topics) for iopub; Request for heartbeat.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dealer, Request, Subscriber } from "zeromq";
import { contextError } from "../../lib/util/errors.js";
import { kernelArgv } from "../kernelspec.js";
import { endpoint, newConnectionInfo, type Channel, type ConnectionInfo } from "../protocol/connection.js";
import { decodeMessage, encodeMessage, newHeader, Signer, type Message } from "../protocol/wire.js";
import type { Output } from "./nbformat.js";
import { OutputCollector, type OutputEvent, type RequestOutputs } from "./output-collector.js";
import { writeAtomic } from "./write-atomic.js";

export interface KernelStartOptions {
  /** The kernel's argv; `{connection_file}` is replaced by the connection file's path. Default: our kernel. */
  argv?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the first kernel_info_reply, in milliseconds (default 60 s). */
  startupTimeoutMs?: number;
  /** "message" sends interrupt_request on control and falls back to SIGINT; "signal" sends SIGINT. Default "message". */
  interruptMode?: "message" | "signal";
}

export interface ExecuteOptions {
  /** Interrupt the request after this many milliseconds; the result then says `timedOut`. Default: no limit. */
  timeoutMs?: number;
  /** After an interrupt, how long to wait for the execute_reply, in milliseconds (default 5 s). */
  interruptGraceMs?: number;
  silent?: boolean;
  storeHistory?: boolean;
  stopOnError?: boolean;
  /** Called whenever the outputs of this request change (added, updated in place, cleared). */
  onOutput?: (event: OutputEvent) => void;
}

export type { OutputEvent };

export interface ExecuteReply {
  status: "ok" | "error" | "aborted";
  execution_count: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  [key: string]: unknown;
}

export interface ExecuteResult {
  /** The execute_reply content, or null when the request timed out and the kernel never replied. */
  reply: ExecuteReply | null;
  /** nbformat outputs of this request; display outputs may still be updated in place by later requests. */
  outputs: Output[];
  executionCount: number | null;
  timedOut: boolean;
}

interface Pending {
  out: RequestOutputs;
  reply: ExecuteReply | null;
  idle: boolean;
  settle: () => void;
}

const STDERR_KEEP = 64 * 1024;
const live = new Set<KernelClient>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A kernel must not outlive the process that started it, even when that process exits abruptly.
  process.on("exit", () => {
    for (const c of live) c.killNow();
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true when `p` settles within `ms`, false otherwise; leaves no timer behind. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void p.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

export class KernelClient {
  readonly session = randomUUID();
  /** The kernel_info_reply content. */
  kernelInfo: Record<string, unknown> = {};
  private readonly signer: Signer;
  private readonly shell = new Dealer({ linger: 0 });
  private readonly control = new Dealer({ linger: 0 });
  private readonly stdin = new Dealer({ linger: 0 });
  private readonly iopub = new Subscriber({ linger: 0 });
  private hb = new Request({ linger: 0, relaxed: true, correlate: true });
  private readonly sendChains = new Map<Channel, Promise<void>>();
  private readonly replyWaiters = new Map<string, (msg: Message) => void>();
  private readonly iopubHandlers = new Map<string, (msg: Message) => void>();
  private readonly collector = new OutputCollector();
  private stderrTail = "";
  private iopubSeen = false;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private spawnError: Error | null = null;
  private readonly exitListeners = new Set<() => void>();
  private closed = false;
  private shuttingDown: Promise<void> | null = null;

  private constructor(
    readonly connection: ConnectionInfo,
    readonly connectionFile: string,
    private readonly tempDir: string,
    private readonly child: ChildProcess,
    private readonly argv: string[],
    private readonly interruptMode: "message" | "signal",
  ) {
    this.signer = new Signer(connection.key, connection.signature_scheme);
    const keep = (chunk: Buffer): void => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-STDERR_KEEP);
    };
    child.stderr?.on("data", keep);
    child.stdout?.on("data", keep);
    child.on("exit", (code, signal) => {
      this.exitInfo = { code, signal };
      live.delete(this);
      for (const l of [...this.exitListeners]) l();
    });
    child.on("error", (err) => {
      this.spawnError = err;
      this.exitInfo = { code: null, signal: null };
      live.delete(this);
      for (const l of [...this.exitListeners]) l();
    });
  }

  /** Writes a connection file, starts the kernel and waits until it answers kernel_info_request. */
  static async start(opts: KernelStartOptions = {}): Promise<KernelClient> {
    const info = await newConnectionInfo();
    const tempDir = mkdtempSync(join(tmpdir(), "omq-kernel-"));
    const file = join(tempDir, `kernel-${randomUUID()}.json`);
    writeAtomic(file, JSON.stringify(info, null, 2) + "\n", 0o600);
    const argv = (opts.argv ?? kernelArgv()).map((a) => a.replaceAll("{connection_file}", file));
    if (argv.length === 0) throw contextError({ what: "the kernel argv is empty", expected: "a command, e.g. [node, omq.js, kernel, start, -f, {connection_file}]" });
    installExitHook();
    // Own session and process group, as jupyter_client does: a Ctrl-C in the terminal reaches us, and we decide
    // whether to interrupt the kernel.
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: { ...(opts.env ?? process.env), JPY_PARENT_PID: String(process.pid) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const client = new KernelClient(info, file, tempDir, child, argv, opts.interruptMode ?? "message");
    live.add(client);
    try {
      client.connect();
      await client.waitReady(opts.startupTimeoutMs ?? 60_000);
    } catch (err) {
      await client.shutdown();
      throw err;
    }
    return client;
  }

  /** The kernel process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last 64 KiB the kernel wrote to stderr and stdout. */
  get stderr(): string {
    return this.stderrTail;
  }

  get exited(): boolean {
    return this.exitInfo !== null;
  }

  private connect(): void {
    this.shell.connect(endpoint(this.connection, "shell"));
    this.control.connect(endpoint(this.connection, "control"));
    this.stdin.connect(endpoint(this.connection, "stdin"));
    this.iopub.connect(endpoint(this.connection, "iopub"));
    this.iopub.subscribe();
    this.hb.connect(endpoint(this.connection, "hb"));
    void this.receiveLoop(this.shell, "shell");
    void this.receiveLoop(this.control, "control");
    void this.receiveLoop(this.stdin, "stdin");
    void this.receiveLoop(this.iopub, "iopub");
  }

  private async receiveLoop(sock: Dealer | Subscriber, channel: Channel): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: Message;
        try {
          msg = decodeMessage(frames, this.signer, `${channel} message from the kernel`);
        } catch {
          continue; // a malformed or badly signed message is dropped, as jupyter_client does
        }
        this.dispatch(channel, msg);
      }
    } catch {
      // the socket was closed
    }
  }

  private dispatch(channel: Channel, msg: Message): void {
    const parentId = (msg.parent_header as { msg_id?: string }).msg_id ?? "";
    if (channel === "iopub") {
      this.iopubSeen = true;
      const handler = this.iopubHandlers.get(parentId);
      if (handler) handler(msg);
      // An update may come from any request (e.g. a timer of an earlier cell): apply it to the display anyway.
      else if (msg.header.msg_type === "update_display_data") this.collector.update(msg.content);
    } else if (channel === "stdin") {
      // Requests are sent with allow_stdin false; a kernel that asks anyway gets an empty answer, not a hang.
      if (msg.header.msg_type === "input_request") void this.send("stdin", "input_reply", { value: "" }, msg.header).sent.catch(() => undefined);
    } else {
      this.replyWaiters.get(parentId)?.(msg);
    }
  }

  /** Queues a message; returns its msg_id at once (register reply handlers before awaiting `sent`). */
  private send(channel: Channel, msgType: string, content: Record<string, unknown>, parent: Message["parent_header"] = {}): { id: string; sent: Promise<void> } {
    const header = newHeader(msgType, this.session);
    return { id: header.msg_id, sent: this.sendFrames(channel, encodeMessage({ header, parent_header: parent, metadata: {}, content }, this.signer)) };
  }

  private sendFrames(channel: Channel, frames: Buffer[]): Promise<void> {
    const sock = channel === "shell" ? this.shell : channel === "control" ? this.control : this.stdin;
    // zeromq allows one send in flight per socket: chain them.
    const prev = this.sendChains.get(channel) ?? Promise.resolve();
    const next = prev.then(() => (this.closed ? undefined : sock.send(frames)));
    this.sendChains.set(
      channel,
      next.catch(() => undefined),
    );
    return next;
  }

  private onExit(listener: () => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  private exitError(doing: string): Error {
    if (this.spawnError) {
      return contextError({ what: `cannot start the kernel process (${this.spawnError.message})`, where: this.argv.join(" "), cause: this.spawnError, hint: "Check the kernel command and that `npm install` has run" });
    }
    const how = this.exitInfo?.signal ? `was killed by ${this.exitInfo.signal}` : `exited with code ${String(this.exitInfo?.code)}`;
    const tail = this.stderrTail.trim().split("\n").slice(-30).join("\n");
    return contextError({
      what: `the kernel process ${how} ${doing}`,
      where: this.argv.join(" "),
      hint: tail ? `Its last output was:\n${tail}\n` : "It printed nothing",
    });
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let reply: Message | null = null;
    const ids: string[] = [];
    const waiter = (m: Message): void => {
      if (m.header.msg_type === "kernel_info_reply") reply = m;
    };
    try {
      // Retry kernel_info_request until the kernel answers on shell and iopub delivers (its status messages), so
      // no output of the first cell is lost to a subscription that is not connected yet.
      while (Date.now() < deadline) {
        if (this.exitInfo) throw this.exitError("before it answered kernel_info_request");
        if (!reply || !this.iopubSeen) {
          const { id, sent } = this.send("shell", "kernel_info_request", {});
          ids.push(id);
          this.replyWaiters.set(id, waiter);
          await sent;
        }
        const until = Date.now() + 500;
        while (Date.now() < until && !(reply && this.iopubSeen) && !this.exitInfo) await delay(20);
        if (reply && this.iopubSeen) break;
      }
      if (!reply) {
        throw contextError({
          what: `the kernel did not answer kernel_info_request within ${Math.round(timeoutMs / 1000)} s`,
          where: this.argv.join(" "),
          hint: this.stderrTail.trim() ? `Its last output was:\n${this.stderrTail.trim().split("\n").slice(-30).join("\n")}\n` : "It printed nothing",
        });
      }
      this.kernelInfo = (reply as Message).content;
    } finally {
      for (const id of ids) this.replyWaiters.delete(id);
    }
  }

  /** Sends a request on shell or control and resolves with the reply, or null after `timeoutMs` (or kernel exit). */
  async request(channel: "shell" | "control", msgType: string, content: Record<string, unknown>, timeoutMs: number): Promise<Message | null> {
    return new Promise((resolve) => {
      const { id, sent } = this.send(channel, msgType, content);
      const done = (m: Message | null): void => {
        clearTimeout(timer);
        off();
        this.replyWaiters.delete(id);
        resolve(m);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      const off = this.onExit(() => done(null));
      this.replyWaiters.set(id, done);
      sent.catch(() => done(null));
    });
  }

  /** Runs `code`; resolves when execute_reply has arrived and iopub has gone idle for this request. */
  async execute(code: string, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
    if (this.closed) throw contextError({ what: "the kernel client is shut down", hint: "Start a new KernelClient" });
    if (this.exitInfo) throw this.exitError("before the request was sent");
    const header = newHeader("execute_request", this.session);
    const pending: Pending = { out: this.collector.open(opts.onOutput), reply: null, idle: false, settle: () => undefined };
    const finished = new Promise<void>((resolve) => {
      pending.settle = resolve;
    });
    this.iopubHandlers.set(header.msg_id, (m) => this.collect(pending, m));
    this.replyWaiters.set(header.msg_id, (m) => {
      if (m.header.msg_type !== "execute_reply") return;
      pending.reply = m.content as unknown as ExecuteReply;
      if (pending.idle) pending.settle();
    });
    let exited = false;
    const off = this.onExit(() => {
      exited = true;
      pending.settle();
    });
    const content = {
      code,
      silent: opts.silent ?? false,
      store_history: opts.storeHistory ?? true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: opts.stopOnError ?? true,
    };
    const sent = this.sendFrames("shell", encodeMessage({ header, parent_header: {}, metadata: {}, content }, this.signer));
    let timedOut = false;
    try {
      await sent;
      if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        const expired = await Promise.race([
          finished.then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), opts.timeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (expired) {
          timedOut = true;
          await this.interrupt();
          // Wait for the execute_reply only for the grace period, then briefly for the idle that follows it.
          const until = Date.now() + (opts.interruptGraceMs ?? 5000);
          while (Date.now() < until && !exited && !pending.reply) await delay(25);
          const idleUntil = Math.min(until, Date.now() + 500);
          while (Date.now() < idleUntil && !exited && pending.reply && !pending.idle) await delay(10);
        }
      } else {
        await finished;
      }
      if (exited && !pending.reply && !timedOut) throw this.exitError("while running a cell");
    } finally {
      off();
      this.iopubHandlers.delete(header.msg_id);
      this.replyWaiters.delete(header.msg_id);
    }
    return { reply: pending.reply, outputs: pending.out.outputs, executionCount: pending.reply?.execution_count ?? null, timedOut };
  }

  private collect(p: Pending, msg: Message): void {
    if (msg.header.msg_type === "status") {
      if (msg.content["execution_state"] === "idle") {
        p.idle = true;
        if (p.reply) p.settle();
      }
      return;
    }
    this.collector.handle(p.out, msg.header.msg_type, msg.content);
  }

  /** Interrupts the running request: interrupt_request on control, SIGINT if the kernel does not answer in 1 s. */
  async interrupt(): Promise<void> {
    if (this.exitInfo) return;
    if (this.interruptMode === "message") {
      const reply = await this.request("control", "interrupt_request", {}, 1000);
      if (reply) return;
    }
    this.signal("SIGINT");
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exitInfo) return;
    try {
      process.kill(-pid, sig); // the kernel's process group (it was started detached)
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  }

  /** True when the kernel echoes a heartbeat within `timeoutMs`. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    if (this.closed || this.exitInfo) return false;
    const payload = Buffer.from(randomUUID());
    try {
      await this.hb.send(payload);
      let timer: NodeJS.Timeout | undefined;
      const res = await Promise.race([
        this.hb.receive().then(([b]) => !!b && b.equals(payload)),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (!res) {
        // A Request socket with a receive outstanding cannot be reused; replace it.
        this.hb.close();
        this.hb = new Request({ linger: 0, relaxed: true, correlate: true });
        this.hb.connect(endpoint(this.connection, "hb"));
      }
      return res;
    } catch {
      return false;
    }
  }

  /** Kills the kernel's process group at once (used at process exit). */
  killNow(): void {
    this.signal("SIGKILL");
  }

  /** shutdown_request on control; kills the kernel if it has not exited within 3 s; closes sockets, removes the connection file. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= this.doShutdown();
    return this.shuttingDown;
  }

  private async doShutdown(): Promise<void> {
    if (!this.exitInfo) {
      const exited = new Promise<void>((resolve) => {
        if (this.exitInfo) resolve();
        this.onExit(resolve);
      });
      void this.request("control", "shutdown_request", { restart: false }, 3000);
      if (!(await within(exited, 3000))) {
        this.signal("SIGKILL");
        await within(exited, 2000);
      }
    }
    this.closed = true;
    live.delete(this);
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    rmSync(this.tempDir, { recursive: true, force: true });
  }
}
