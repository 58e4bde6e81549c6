// Search highlights from the host are HTML-escaped text with the matched words in <em> (the embedded index and Elasticsearch
// answer alike; <mark> is accepted too). They are never handed to the browser as HTML: this turns a fragment into plain text
// runs, marked or not, and React renders them as text. Any other markup — even a well-formed tag — stays visible text, so
// whatever a citizen typed into a ticket or an editor into an article can never become markup on an agent's screen.

export interface HighlightRun {
  text: string;
  marked: boolean;
}

const tag = /<(\/?)(em|mark)>/gi;

const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the character references an HTML encoder writes (&lt; &amp; &#39; &#x27; …); anything else is left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return named[ref.toLowerCase()] ?? whole;
  });
}

export function parseHighlight(fragment: string): HighlightRun[] {
  const runs: HighlightRun[] = [];
  let depth = 0;
  let last = 0;
  const push = (raw: string) => {
    if (raw.length === 0) return;
    const text = decodeEntities(raw);
    const marked = depth > 0;
    const previous = runs[runs.length - 1];
    if (previous && previous.marked === marked) previous.text += text;
    else runs.push({ text, marked });
  };
  for (const match of fragment.matchAll(tag)) {
    const closing = match[1] === '/';
    // A closing tag that closes nothing is text like any other.
    if (closing && depth === 0) continue;
    push(fragment.slice(last, match.index));
    depth += closing ? -1 : 1;
    last = match.index + match[0].length;
  }
  push(fragment.slice(last));
  return runs;
}
