/**
 * What the display layer needs from the kernel: a place to publish rich outputs on the IOPub channel.
 * The kernel implements it per execution (so outputs go to the right parent message); tests use a recording sink.
 */

/** A MIME bundle, e.g. `{"text/plain": "...", "text/html": "..."}`; JSON mimetypes hold JSON values. */
export type MimeBundle = Record<string, unknown>;

/** The content of a Jupyter `display_data` / `update_display_data` message. */
export interface DisplayContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

export interface DisplaySink {
  publish(msgType: "display_data" | "update_display_data", content: DisplayContent): void;
  clearOutput(wait: boolean): void;
}
