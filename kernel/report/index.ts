/** Self-contained, offline HTML reports of executed notebooks. */
export { renderNotebookHtml, ERROR_BANNER_TAG, type ReportOptions } from "./render-notebook-html.js";
export { renderMarkdown, renderInline, type MarkdownOptions } from "./markdown.js";
export { stripAnsi, applyCarriageReturns } from "./ansi.js";
export type {
  Notebook,
  NotebookCell,
  NotebookOutput,
  NotebookOutputError,
  NotebookOutputRich,
  NotebookOutputStream,
  CellRunMetadata,
} from "./notebook.js";
