import { describe, expect, it } from "vitest";
import { renderInline, renderMarkdown } from "./markdown.js";

describe("renderMarkdown", () => {
  it("renders headings, paragraphs and emphasis", () => {
    expect(renderMarkdown("# Mean *reversion*\n\nA **strong** and _weak_ ~~bad~~ signal.\nSame paragraph.")).toBe(
      '<h1 id="mean-reversion">Mean <em>reversion</em></h1>\n' +
        "<p>A <strong>strong</strong> and <em>weak</em> <del>bad</del> signal.\nSame paragraph.</p>",
    );
  });

  it("escapes raw HTML instead of passing it through", () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)"> & more');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&amp; more");
  });

  it("renders inline code verbatim and fenced code escaped with its language", () => {
    expect(renderInline("use `a*b*c <= d` here")).toBe("use <code>a*b*c &lt;= d</code> here");
    expect(renderMarkdown("```ts\nconst x = a < b && **c**;\n```")).toBe(
      '<pre><code class="language-ts">const x = a &lt; b &amp;&amp; **c**;</code></pre>',
    );
  });

  it("renders nested and ordered lists", () => {
    expect(renderMarkdown("- one\n- two\n  - two.a\n  - two.b\n- three")).toBe(
      "<ul>\n<li>one</li>\n<li>two\n<ul>\n<li>two.a</li>\n<li>two.b</li>\n</ul></li>\n<li>three</li>\n</ul>",
    );
    expect(renderMarkdown("3. c\n4. d")).toBe('<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>');
  });

  it("keeps safe links and drops javascript: ones", () => {
    expect(renderInline("[docs](https://example.org/a?b=1&c=2 \"t\")")).toBe(
      '<a href="https://example.org/a?b=1&amp;c=2" title="t">docs</a>',
    );
    expect(renderInline("[x](javascript:alert(1))")).toBe("x");
    expect(renderInline("[`code` link](#sec)")).toBe('<a href="#sec"><code>code</code> link</a>');
  });

  it("shows only data: images; others become links, so nothing is fetched", () => {
    expect(renderInline("![chart](chart.png)")).toBe('<a href="chart.png">[image: chart]</a>');
    expect(renderInline("![dot](data:image/png;base64,AAAA)")).toBe('<img src="data:image/png;base64,AAAA" alt="dot">');
    expect(renderInline("![a](attachment:a.png)", { resolveImage: () => "data:image/png;base64,QQ==" })).toBe(
      '<img src="data:image/png;base64,QQ==" alt="a">',
    );
  });

  it("renders block quotes, rules and pipe tables", () => {
    expect(renderMarkdown("> quoted *text*")).toBe("<blockquote>\n<p>quoted <em>text</em></p>\n</blockquote>");
    expect(renderMarkdown("---")).toBe("<hr>");
    expect(renderMarkdown("| a | b |\n|:--|--:|\n| 1 | <2> |")).toBe(
      '<table>\n<thead><tr><th style="text-align:left">a</th><th style="text-align:right">b</th></tr></thead>\n' +
        '<tbody>\n<tr><td style="text-align:left">1</td><td style="text-align:right">&lt;2&gt;</td></tr>\n</tbody>\n</table>',
    );
  });

  it("does not italicise snake_case or backslash-escaped markers", () => {
    expect(renderInline("rolling_z_score")).toBe("rolling_z_score");
    expect(renderInline("\\*not em\\*")).toBe("*not em*");
  });
});
