import { Fragment, type ReactNode } from 'react';

export interface HighlightPart {
  text: string;
  marked: boolean;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Undoes the host's HTML escaping of a fragment (WebUtility.HtmlEncode, or Elasticsearch's html encoder). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return safeCodePoint(parseInt(name.slice(2), 16)) ?? whole;
    if (name.startsWith('#')) return safeCodePoint(parseInt(name.slice(1), 10)) ?? whole;
    return entities[name] ?? whole;
  });
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/**
 * Splits a highlight fragment into plain and marked runs. The host escapes the text and adds only <em> and </em>, so those two
 * tags are the only markup honoured; anything else that looks like a tag stays literal text. The result is rendered as React text,
 * never as HTML, so a fragment cannot inject markup whatever it contains.
 */
export function parseHighlight(fragment: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let marked = false;
  for (const piece of fragment.split(/(<\/?em>)/)) {
    if (piece === '<em>') marked = true;
    else if (piece === '</em>') marked = false;
    else if (piece.length > 0) {
      const text = decodeEntities(piece);
      const last = parts[parts.length - 1];
      if (last && last.marked === marked) last.text += text;
      else parts.push({ text, marked });
    }
  }
  return parts;
}

/** A highlight fragment with its matches in <mark>. */
export function Highlight({ fragment }: { fragment: string }): ReactNode {
  return (
    <>
      {parseHighlight(fragment).map((part, i) =>
        part.marked ? <mark key={i}>{part.text}</mark> : <Fragment key={i}>{part.text}</Fragment>,
      )}
    </>
  );
}
