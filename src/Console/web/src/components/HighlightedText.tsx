import { parseHighlight } from './highlight';

/** A search highlight fragment, with its matches marked; rendered as text only (see highlight.ts). */
export function HighlightedText({ fragment }: { fragment: string }) {
  return (
    <>
      {parseHighlight(fragment).map((run, i) =>
        run.marked ? (
          <mark key={i} style={{ background: '#fff1b8', color: 'inherit', padding: 0 }}>
            {run.text}
          </mark>
        ) : (
          <span key={i}>{run.text}</span>
        ),
      )}
    </>
  );
}
