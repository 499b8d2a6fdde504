// Jupyter messaging protocol 5.3 wire format (https://jupyter-client.readthedocs.io/en/stable/messaging.html):
// [identities..., "<IDS|MSG>", hmac, header, parent_header, metadata, content, buffers...].
// Used by both ends: the kernel server and the `omq run` client.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { contextError } from "../../lib/util/errors.js";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = "<IDS|MSG>";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  subshell_id?: string | null;
}

export interface Message<C = Record<string, unknown>> {
  identities: Buffer[];
  header: Header;
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export function newHeader(msgType: string, session: string, username = "omniquant"): Header {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** A signer for one connection: HMAC over header, parent header, metadata and content (empty key = unsigned). */
export class Signer {
  private readonly algo: string | null;
  constructor(
    private readonly key: string,
    scheme = "hmac-sha256",
  ) {
    if (!key) {
      this.algo = null;
    } else {
      const m = /^hmac-([a-z0-9]+)$/.exec(scheme);
      if (!m) throw contextError({ what: "unsupported signature scheme", expected: "hmac-<digest>", found: JSON.stringify(scheme) });
      this.algo = m[1]!;
    }
  }

  sign(parts: Buffer[]): string {
    if (!this.algo) return "";
    const h = createHmac(this.algo, this.key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  }

  verify(signature: string, parts: Buffer[]): boolean {
    if (!this.algo) return true;
    const expected = Buffer.from(this.sign(parts), "utf8");
    const found = Buffer.from(signature, "utf8");
    return expected.length === found.length && timingSafeEqual(expected, found);
  }
}

export function encodeMessage(msg: Omit<Message, "buffers" | "identities"> & Partial<Pick<Message, "buffers" | "identities">>, signer: Signer): Buffer[] {
  const parts = [
    Buffer.from(JSON.stringify(msg.header)),
    Buffer.from(JSON.stringify(msg.parent_header ?? {})),
    Buffer.from(JSON.stringify(msg.metadata ?? {})),
    Buffer.from(JSON.stringify(msg.content ?? {})),
  ];
  return [...(msg.identities ?? []), Buffer.from(DELIMITER), Buffer.from(signer.sign(parts)), ...parts, ...(msg.buffers ?? [])];
}

export function decodeMessage(frames: Buffer[], signer: Signer, where = "message"): Message {
  const idx = frames.findIndex((f) => f.length === DELIMITER.length && f.toString() === DELIMITER);
  if (idx < 0) throw contextError({ what: "no <IDS|MSG> delimiter frame", where, found: `${frames.length} frames` });
  if (frames.length < idx + 6) {
    throw contextError({ what: "message is truncated", where, expected: "signature, header, parent_header, metadata and content frames", found: `${frames.length - idx - 1} frames after the delimiter` });
  }
  const signature = frames[idx + 1]!.toString();
  const parts = frames.slice(idx + 2, idx + 6);
  if (!signer.verify(signature, parts)) throw contextError({ what: "invalid HMAC signature", where });
  const parse = (b: Buffer, field: string): unknown => {
    try {
      return JSON.parse(b.toString("utf8"));
    } catch (cause) {
      throw contextError({ what: `${field} is not valid JSON`, where, cause });
    }
  };
  return {
    identities: frames.slice(0, idx),
    header: parse(parts[0]!, "header") as Header,
    parent_header: parse(parts[1]!, "parent_header") as Header,
    metadata: parse(parts[2]!, "metadata") as Record<string, unknown>,
    content: parse(parts[3]!, "content") as Record<string, unknown>,
    buffers: frames.slice(idx + 6),
  };
}
