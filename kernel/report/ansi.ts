/* eslint-disable no-control-regex */
const ANSI =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[PX^_][^\u001b]*\u001b\\|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;

/** Removes ANSI escape sequences (SGR colours, cursor moves, OSC titles and hyperlinks). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/**
 * What a terminal would leave on screen from text with carriage returns (progress bars): in each line, the text
 * after the last `\r` overwrites what came before it. Backspaces delete the previous character.
 */
export function applyCarriageReturns(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      let l = line.endsWith("\r") ? line.slice(0, -1) : line;
      if (l.includes("\r")) {
        let screen = "";
        for (const part of l.split("\r")) screen = part + screen.slice(part.length);
        l = screen;
      }
      while (/[^\u0008]\u0008/.test(l)) l = l.replace(/[^\u0008]\u0008/, "");
      return l.replace(/\u0008/g, "");
    })
    .join("\n");
}
