import { escapeHtml } from "../display/html-escape.js";

export interface MarkdownOptions {
  /**
   * Turns an image source into something the page can show without a fetch (e.g. `attachment:x.png` into a
   * data: URL), or `undefined` to show the image as a link instead.
   */
  resolveImage?: (src: string) => string | undefined;
}

/**
 * A small, safe CommonMark subset: ATX headings, paragraphs, emphasis (** __ * _ ~~), inline code, fenced code,
 * nested lists, block quotes, horizontal rules, pipe tables, links and images. Raw HTML is escaped, never passed
 * through; links keep only http(s), mailto, relative and #fragment targets; images show only as data: URLs
 * (anything else becomes a link, so the page never fetches).
 */
export function renderMarkdown(markdown: string, opts: MarkdownOptions = {}): string {
  // NUL is the inline renderer's slot marker (see inline()): drop any in the input.
  // eslint-disable-next-line no-control-regex
  const lines = markdown.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").replace(/\u0000/g, "").split("\n");
  return renderBlocks(lines, opts).join("\n");
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])( +|$)(.*)$/;
const TABLE_RULE = /^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$/;

function renderBlocks(lines: string[], opts: MarkdownOptions): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !new RegExp(`^ {0,3}${marker[0]}{${marker.length},}\\s*$`).test(lines[i]!)) body.push(lines[i++]!);
      i++; // closing fence (or end of input)
      const lang = fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : "";
      out.push(`<pre><code${lang}>${escapeHtml(body.join("\n"))}</code></pre>`);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      const text = heading[2] ?? "";
      out.push(`<h${level} id="${slug(text)}">${renderInline(text, opts)}</h${level}>`);
      i++;
      continue;
    }
    if (HR.test(line)) {
      out.push("<hr>");
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== "" && (QUOTE.test(lines[i]!) || body.length > 0)) {
        const q = QUOTE.exec(lines[i]!);
        body.push(q ? q[1]! : lines[i]!);
        i++;
      }
      out.push(`<blockquote>\n${renderBlocks(body, opts).join("\n")}\n</blockquote>`);
      continue;
    }
    if (LIST_ITEM.test(line)) {
      i = renderList(lines, i, out, opts);
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]!) && lines[i + 1]!.includes("-")) {
      i = renderTable(lines, i, out, opts);
      continue;
    }
    // paragraph: until a blank line or the start of another block
    const para: string[] = [];
    while (i < lines.length) {
      const l = lines[i]!;
      if (l.trim() === "" || FENCE.test(l) || HEADING.test(l) || HR.test(l) || QUOTE.test(l)) break;
      if (para.length > 0 && /^ {0,3}([-*+]|1[.)]) +\S/.test(l)) break;
      para.push(l);
      i++;
    }
    out.push(`<p>${renderInline(para.map((l) => l.replace(/^ +/, "")).join("\n"), opts)}</p>`);
  }
  return out;
}

function renderList(lines: string[], start: number, out: string[], opts: MarkdownOptions): number {
  const first = LIST_ITEM.exec(lines[start]!)!;
  const baseIndent = first[1]!.length;
  const ordered = /\d/.test(first[2]!);
  const items: string[][] = [];
  let loose = false;
  let i = start;
  let contentIndent = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const m = LIST_ITEM.exec(line);
    if (m && m[1]!.length === baseIndent && /\d/.test(m[2]!) === ordered) {
      contentIndent = baseIndent + m[2]!.length + Math.max(1, Math.min(m[3]!.length, 4));
      items.push([m[4]!]);
      i++;
      continue;
    }
    if (line.trim() === "") {
      // a blank line continues the list only if what follows is indented into the item or is another item
      const next = lines[i + 1];
      if (next === undefined) break;
      const nm = LIST_ITEM.exec(next);
      const indent = next.length - next.trimStart().length;
      if ((nm && nm[1]!.length === baseIndent) || (next.trim() !== "" && indent >= contentIndent)) {
        loose = true;
        items.at(-1)!.push("");
        i++;
        continue;
      }
      break;
    }
    const indent = line.length - line.trimStart().length;
    if (indent > baseIndent || (!LIST_ITEM.test(line) && !HEADING.test(line) && !FENCE.test(line) && !HR.test(line))) {
      // continuation: nested content, or a lazy paragraph line
      items.at(-1)!.push(line.slice(Math.min(indent, contentIndent)));
      i++;
      continue;
    }
    break;
  }
  const tag = ordered ? "ol" : "ul";
  const startNum = ordered ? parseInt(first[2]!, 10) : 1;
  const startAttr = ordered && startNum !== 1 ? ` start="${startNum}"` : "";
  const rendered = items.map((item) => {
    const blocks = renderBlocks(item, opts);
    const body = !loose && blocks.length > 0 && blocks[0]!.startsWith("<p>")
      ? [blocks[0]!.slice(3, -4), ...blocks.slice(1)].join("\n")
      : blocks.join("\n");
    return `<li>${body}</li>`;
  });
  out.push(`<${tag}${startAttr}>\n${rendered.join("\n")}\n</${tag}>`);
  return i;
}

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

function renderTable(lines: string[], start: number, out: string[], opts: MarkdownOptions): number {
  const header = splitRow(lines[start]!);
  const aligns = splitRow(lines[start + 1]!).map((c) =>
    c.startsWith(":") && c.endsWith(":") ? "center" : c.endsWith(":") ? "right" : c.startsWith(":") ? "left" : "",
  );
  const style = (j: number) => (aligns[j] ? ` style="text-align:${aligns[j]}"` : "");
  let i = start + 2;
  const rows: string[] = [];
  while (i < lines.length && lines[i]!.trim() !== "" && lines[i]!.includes("|")) {
    const cells = splitRow(lines[i]!);
    rows.push(`<tr>${header.map((_, j) => `<td${style(j)}>${renderInline(cells[j] ?? "", opts)}</td>`).join("")}</tr>`);
    i++;
  }
  out.push(
    `<table>\n<thead><tr>${header.map((h, j) => `<th${style(j)}>${renderInline(h, opts)}</th>`).join("")}</tr></thead>\n` +
      `<tbody>\n${rows.join("\n")}\n</tbody>\n</table>`,
  );
  return i;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>|[`*_~[\]()]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}

/** Allowed link targets: http(s), mailto, or no scheme at all (relative paths, #fragments). */
function safeHref(url: string): string | undefined {
  const u = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(u);
  if (!scheme) return u;
  return /^(https?|mailto)$/i.test(scheme[1]!) ? u : undefined;
}

/** Renders inline markdown in one block of text; everything not markdown is HTML-escaped. */
export function renderInline(text: string, opts: MarkdownOptions = {}): string {
  const slots: string[] = [];
  const hold = (html: string) => `\u0000${slots.push(html) - 1}\u0000`;
  let s = text;
  // backslash escapes
  s = s.replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, (_, c: string) => hold(escapeHtml(c)));
  // code spans
  s = s.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_, _ticks: string, code: string) =>
    hold(`<code>${escapeHtml(code.replace(/\n/g, " ").replace(/^ (.*) $/, "$1"))}</code>`),
  );
  // autolinks
  s = s.replace(/<((?:https?:\/\/|mailto:)[^\s<>]+)>/gi, (_, url: string) =>
    hold(`<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`),
  );
  // images and links: ![alt](src "title") and [text](href "title")
  s = s.replace(
    /(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)>?(?:\s+("[^"]*"|'[^']*'))?\s*\)/g,
    (_, bang: string, label: string, url: string, title?: string) => {
      const t = title ? ` title="${escapeHtml(title.slice(1, -1))}"` : "";
      if (bang) {
        const src = /^data:image\/[a-z+.-]+;base64,[A-Za-z0-9+/=\s]+$/i.test(url) ? url : opts.resolveImage?.(url);
        if (src !== undefined) return hold(`<img src="${escapeHtml(src)}" alt="${escapeHtml(label)}"${t}>`);
        const href = safeHref(url);
        const caption = `[image: ${escapeHtml(label || url)}]`;
        return hold(href === undefined ? caption : `<a href="${escapeHtml(href)}"${t}>${caption}</a>`);
      }
      const href = safeHref(url);
      const inner = emphasis(escapeHtml(label));
      return hold(href === undefined ? inner : `<a href="${escapeHtml(href)}"${t}>${inner}</a>`);
    },
  );
  s = emphasis(escapeHtml(s));
  // restore held HTML (slots may nest: a link label holding code)
  // eslint-disable-next-line no-control-regex
  for (let k = 0; k < 3 && s.includes("\u0000"); k++) s = s.replace(/\u0000(\d+)\u0000/g, (_, n: string) => slots[Number(n)]!);
  return s;
}

/** Emphasis, strikethrough and hard line breaks, on already-escaped text. */
function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^\p{L}\p{N}_])__(?=\S)([\s\S]*?\S)__(?![\p{L}\p{N}_])/gu, "$1<strong>$2</strong>")
    .replace(/\*(?=[^\s*])([\s\S]*?[^\s*])\*/g, "<em>$1</em>")
    .replace(/(^|[^\p{L}\p{N}_])_(?=[^\s_])([\s\S]*?[^\s_])_(?![\p{L}\p{N}_])/gu, "$1<em>$2</em>")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>")
    .replace(/(?: {2,}|\\)\n/g, "<br>\n");
}
