import { contextError } from "../../lib/util/errors.js";
import type { MimeBundle } from "./sink.js";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** True for a Buffer/Uint8Array that starts with the PNG signature. */
export function isPngBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && hasPngSignature(value);
}

function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** `image/png` (base64) and a `text/plain` line with the pixel size, from bytes or base64 (a data: URL too). */
export function pngBundle(image: Uint8Array | string): MimeBundle {
  let bytes: Uint8Array;
  if (typeof image === "string") {
    bytes = Buffer.from(image.replace(/^data:image\/png;base64,/, ""), "base64");
  } else if (image instanceof Uint8Array) {
    bytes = image;
  } else {
    throw contextError({
      what: "the image is neither bytes nor base64 text",
      where: "display.png",
      expected: "a Buffer, a Uint8Array or a base64 string",
      found: image === null ? "null" : typeof image,
    });
  }
  if (!hasPngSignature(bytes)) {
    throw contextError({
      what: "the image does not start with the PNG signature",
      where: "display.png",
      expected: "PNG bytes (89 50 4E 47 0D 0A 1A 0A)",
      found: Buffer.from(bytes.subarray(0, 8)).toString("hex").replace(/(..)/g, "$1 ").trim().toUpperCase() || "no bytes",
    });
  }
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return { "image/png": b64, "text/plain": pngSummary(bytes) };
}

function pngSummary(bytes: Uint8Array): string {
  // IHDR is the first chunk: width and height are big-endian u32 at bytes 16..24.
  if (bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return `<PNG image ${view.getUint32(16)}×${view.getUint32(20)}, ${bytes.length.toLocaleString("en-US")} bytes>`;
  }
  return `<PNG image, ${bytes.length} bytes>`;
}
