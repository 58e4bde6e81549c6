import { useEffect, useState } from 'react';
import { Button, Spin } from 'antd';
import { ApiError } from '../../api/http';
import { readArticle, searchKnowledge, type CitizenArticle, type KnowledgeHit } from './citizenApi';
import { Highlight } from './highlight';

/** Waits this long after the last keystroke before searching, so typing a sentence costs one request, not one per character. */
export const searchDelayMs = 400;
const minimumLength = 2;

/**
 * "也许这些能解答您的问题": published knowledge matching what the citizen is typing, searched as they type (debounced), shown
 * before they submit. Highlights are rendered as text with <mark>, never as HTML. A failed search says so quietly: submitting
 * still works.
 */
export function KnowledgeSuggestions({ text }: { text: string }) {
  const [hits, setHits] = useState<KnowledgeHit[]>([]);
  const [searching, setSearching] = useState(false);
  const [failed, setFailed] = useState(false);
  const query = text.trim();

  useEffect(() => {
    if (query.length < minimumLength) {
      setHits([]);
      setFailed(false);
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(async () => {
      setSearching(true);
      try {
        const found = await searchKnowledge(query.slice(0, 500), controller.signal);
        setHits(found);
        setFailed(false);
      } catch {
        if (!controller.signal.aborted) {
          setHits([]);
          setFailed(true);
        }
      } finally {
        if (!controller.signal.aborted) setSearching(false);
      }
    }, searchDelayMs);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  if (failed) {
    return (
      <p className="citizen-muted" role="status">
        暂时无法检索常见问题，您可以直接提交诉求。
      </p>
    );
  }
  return (
    <div aria-live="polite">
      {hits.length > 0 && (
        <section className="citizen-suggestions" aria-labelledby="citizen-kb-title" data-testid="kb-suggestions">
          <h2 id="citizen-kb-title">也许这些能解答您的问题 {searching && (
              <span aria-hidden="true">
                <Spin size="small" />
              </span>
            )}</h2>
          <ol>
            {hits.map((hit) => (
              <Suggestion key={hit.id} hit={hit} />
            ))}
          </ol>
          <p className="citizen-muted" style={{ margin: '8px 0 0' }}>
            如果已经找到答案，无需提交；仍需办理的，请继续填写下面的内容。
          </p>
        </section>
      )}
    </div>
  );
}

function Suggestion({ hit }: { hit: KnowledgeHit }) {
  const [open, setOpen] = useState(false);
  const [article, setArticle] = useState<CitizenArticle | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const bodyId = `citizen-kb-${hit.id}`;
  const title = hit.highlights.title?.[0];
  const snippet = hit.highlights.body?.[0];

  async function toggle() {
    if (open) {
      setOpen(false);
      return;
    }
    setOpen(true);
    if (article) return;
    setLoading(true);
    setError(null);
    try {
      setArticle(await readArticle(hit.id));
    } catch (e) {
      setError(e instanceof ApiError ? e.summary : '读取失败，请稍后再试。');
    } finally {
      setLoading(false);
    }
  }

  return (
    <li>
      <h3>{title ? <Highlight fragment={title} /> : hit.title}</h3>
      {snippet && !open && (
        <div className="citizen-kb-snippet">
          <Highlight fragment={snippet} />
        </div>
      )}
      <Button type="link" size="small" style={{ padding: 0 }} aria-expanded={open} aria-controls={bodyId} onClick={toggle}>
        {open ? '收起' : '查看全文'}
      </Button>
      <div id={bodyId} hidden={!open}>
        {loading && (
          <p>
            <Spin size="small" /> 正在读取…
          </p>
        )}
        {error && (
          <p role="alert" style={{ color: '#a8071a' }}>
            {error}
          </p>
        )}
        {article && <div className="citizen-kb-body">{article.body}</div>}
      </div>
    </li>
  );
}
