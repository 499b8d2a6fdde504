/** The report's stylesheet: system fonts only (nothing to fetch), light, readable, print-friendly. */
export const REPORT_CSS = `
:root{--fg:#1f2328;--muted:#6e7781;--border:#d8dee4;--bg-code:#f6f8fa;--err:#cf222e;--err-bg:#ffebe9;--accent:#0969da}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:#fff;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main.omq-report{max-width:1100px;margin:0 auto;padding:24px 28px 64px}
code,pre,.omq-mono{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:13px}
a{color:var(--accent)}
header.omq-head{border-bottom:1px solid var(--border);margin-bottom:20px;padding-bottom:12px}
header.omq-head h1{margin:0 0 6px;font-size:26px;line-height:1.25}
.omq-run{color:var(--muted);font-size:13px;display:flex;flex-wrap:wrap;gap:4px 18px}
.omq-run b{color:var(--fg);font-weight:600}
.omq-params{margin-top:8px;border-collapse:collapse;font-size:13px}
.omq-params th,.omq-params td{text-align:left;padding:2px 12px 2px 0;vertical-align:top}
.omq-params th{color:var(--muted);font-weight:normal}
.omq-cell{margin:0 0 14px;padding:0 0 0 12px;border-left:3px solid transparent;position:relative}
.omq-cell.omq-code{border-left-color:#eaeef2}
.omq-cell.omq-status-error{border:1px solid var(--err);border-left-width:3px;border-radius:4px;padding:8px 10px}
.omq-cell-head{display:flex;gap:10px;align-items:baseline;color:var(--muted);font-size:12px;margin-bottom:2px}
.omq-prompt{font-family:ui-monospace,Menlo,Consolas,monospace;color:#8c959f}
.omq-cell-meta{margin-left:auto}
.omq-cell-meta .omq-st-error{color:var(--err);font-weight:600}
pre{margin:0;white-space:pre-wrap;word-break:break-word;overflow-wrap:anywhere}
.omq-source{background:var(--bg-code);border:1px solid #eaeef2;border-radius:4px;padding:8px 10px;margin:0 0 6px}
details.omq-fold>summary{cursor:pointer;color:var(--muted);font-size:12px;margin-bottom:4px}
.omq-output{margin:4px 0;overflow-x:auto}
.omq-output pre{padding:2px 0}
.omq-stderr{background:#fff5f5;border-left:3px solid #ffaba8;padding:4px 8px!important}
.omq-error{background:var(--err-bg);border-radius:4px;padding:8px 10px;color:#82071e}
.omq-error .omq-ename{font-weight:600;margin-bottom:4px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.omq-output img{max-width:100%;height:auto}
.omq-plot{width:100%;min-height:120px}
.omq-markdown h1,.omq-markdown h2,.omq-markdown h3{line-height:1.25;margin:18px 0 8px}
.omq-markdown h1{font-size:24px}.omq-markdown h2{font-size:20px}.omq-markdown h3{font-size:17px}
.omq-markdown p{margin:8px 0}
.omq-markdown code{background:var(--bg-code);padding:1px 4px;border-radius:3px}
.omq-markdown pre{background:var(--bg-code);padding:8px 10px;border-radius:4px}
.omq-markdown pre code{background:none;padding:0}
.omq-markdown blockquote{margin:8px 0;padding:0 12px;color:var(--muted);border-left:3px solid var(--border)}
.omq-markdown table{border-collapse:collapse;margin:8px 0}
.omq-markdown th,.omq-markdown td{border:1px solid var(--border);padding:4px 10px}
.omq-banner{background:var(--err-bg);border:2px solid var(--err);border-radius:6px;padding:10px 14px;margin-bottom:20px;color:#82071e;font-weight:500}
.omq-banner .omq-markdown{color:inherit}
.omq-note{color:var(--muted);font-size:12px;font-style:italic}
@media print{.omq-cell{break-inside:avoid}details.omq-fold{display:none}}
`;
