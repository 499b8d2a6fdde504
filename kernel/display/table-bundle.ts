import { escapeHtml } from "./html-escape.js";
import { formatCell, formatCount, truncateText } from "./format-value.js";
import type { MimeBundle } from "./sink.js";
import { tableSourceOf, type TableSource } from "./table-source.js";

export interface TableOptions {
  /** Rows shown before the middle is cut (first maxRows/2 and last maxRows/2 rows). Default 20. */
  maxRows?: number;
  /** A caption shown before the row and column counts. */
  caption?: string;
}

const HTML_CELL_MAX = 300;
const TEXT_CELL_MAX = 40;

/** `text/html` and `text/plain` for a table-like value (see TableLike). */
export function tableBundle(value: unknown, opts: TableOptions = {}): MimeBundle {
  const source = tableSourceOf(value);
  const view = tableView(source, opts.maxRows ?? 20);
  return { "text/plain": tableText(source, view, opts.caption), "text/html": tableHtml(source, view, opts.caption) };
}

interface TableView {
  /** Row indices shown, with `null` where the "…" row goes. */
  rows: (number | null)[];
  cells: Map<number, unknown[]>;
}

function tableView(source: TableSource, maxRows: number): TableView {
  const max = Math.max(1, Math.floor(maxRows));
  const n = source.rowCount;
  const rows: (number | null)[] = [];
  if (n <= max) {
    for (let i = 0; i < n; i++) rows.push(i);
  } else {
    const head = Math.ceil(max / 2);
    const tail = max - head;
    for (let i = 0; i < head; i++) rows.push(i);
    rows.push(null);
    for (let i = n - tail; i < n; i++) rows.push(i);
  }
  const cells = new Map<number, unknown[]>();
  for (const i of rows) if (i !== null) cells.set(i, source.row(i));
  return { rows, cells };
}

/** "7,126 rows × 21 columns" */
export function shapeLine(source: TableSource): string {
  const r = source.rowCount;
  const c = source.columns.length;
  const rows = `${formatCount(r)}${source.rowCountExact ? "" : "+"} ${r === 1 ? "row" : "rows"}`;
  return `${rows} × ${formatCount(c)} ${c === 1 ? "column" : "columns"}${source.rowCountExact ? "" : " (not all rows read yet)"}`;
}

const NUMERIC = /^(number|bigint|u?(tinyint|smallint|integer|bigint|hugeint)|float|double|real|varint|bignum|decimal(\(\d+,\s*\d+\))?)$/i;

function isNumericType(type: string): boolean {
  return NUMERIC.test(type);
}

const STYLE = `<style>
.omq-table{max-width:100%;overflow:auto;font-size:12px;line-height:1.35}
.omq-table table{border-collapse:collapse;font-variant-numeric:tabular-nums}
.omq-table caption{caption-side:top;text-align:left;color:#666;padding:0 0 4px 0;font-size:11px}
.omq-table th,.omq-table td{padding:2px 8px;border-bottom:1px solid #e5e5e5;text-align:left;white-space:nowrap;max-width:32em;overflow:hidden;text-overflow:ellipsis;vertical-align:top}
.omq-table thead th{border-bottom:1px solid #999;position:sticky;top:0;background:#fff}
.omq-table .omq-type{display:block;font-weight:normal;color:#888;font-size:10px}
.omq-table .omq-num{text-align:right}
.omq-table tbody th{color:#999;font-weight:normal;text-align:right}
.omq-table .omq-null{background:#f6f6f6}
.omq-table .omq-gap td,.omq-table .omq-gap th{text-align:center;color:#999}
</style>`;

function tableHtml(source: TableSource, view: TableView, caption?: string): string {
  const numeric = source.columns.map((c) => isNumericType(c.type));
  const head = source.columns
    .map(
      (c, j) =>
        `<th${numeric[j] ? ' class="omq-num"' : ""}>${escapeHtml(c.name)}<span class="omq-type">${escapeHtml(c.type)}</span></th>`,
    )
    .join("");
  const body = view.rows
    .map((i) => {
      if (i === null) return `<tr class="omq-gap"><th>…</th>${source.columns.map(() => "<td>…</td>").join("")}</tr>`;
      const cells = view.cells.get(i)!.map((v, j) => {
        const text = formatCell(v);
        if (text === undefined) return '<td class="omq-null"></td>';
        const full = truncateText(text, HTML_CELL_MAX);
        const title = full.length < text.length || text.length > 40 ? ` title="${escapeHtml(truncateText(text, 2000))}"` : "";
        return `<td${numeric[j] ? ' class="omq-num"' : ""}${title}>${escapeHtml(full)}</td>`;
      });
      return `<tr><th>${i}</th>${cells.join("")}</tr>`;
    })
    .join("\n");
  const cap = (caption ? `${escapeHtml(caption)} · ` : "") + escapeHtml(shapeLine(source));
  return (
    `<div class="omq-table">${STYLE}<table>\n<caption>${cap}</caption>\n` +
    `<thead><tr><th></th>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`
  );
}

function tableText(source: TableSource, view: TableView, caption?: string): string {
  const numeric = source.columns.map((c) => isNumericType(c.type));
  const oneLine = (s: string) => truncateText(s.replace(/\r?\n/g, "⏎").replace(/\t/g, " "), TEXT_CELL_MAX);
  const columns: { cells: string[]; right: boolean }[] = [
    { cells: ["", "", ...view.rows.map((i) => (i === null ? "…" : String(i)))], right: true },
    ...source.columns.map((c, j) => ({
      cells: [
        oneLine(c.name),
        oneLine(c.type),
        ...view.rows.map((i) => (i === null ? "…" : oneLine(formatCell(view.cells.get(i)![j]) ?? ""))),
      ],
      right: numeric[j]!,
    })),
  ];
  const widths = columns.map((c) => Math.max(...c.cells.map((s) => s.length)));
  const lines: string[] = [];
  const height = 2 + view.rows.length;
  for (let r = 0; r < height; r++) {
    const parts = columns.map((c, j) => {
      const s = c.cells[r]!;
      // names and types line up with their values: right-aligned over numbers, left-aligned otherwise
      return c.right ? s.padStart(widths[j]!) : s.padEnd(widths[j]!);
    });
    lines.push(parts.join("  ").trimEnd());
  }
  const cap = (caption ? `${caption} · ` : "") + shapeLine(source);
  return [cap, ...lines].join("\n");
}
