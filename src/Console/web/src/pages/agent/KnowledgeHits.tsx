import { useEffect, useState, type ReactNode } from 'react';
import { Alert, Button, Descriptions, Drawer, Empty, Space, Spin, Tag, Typography } from 'antd';
import { api, ApiError } from '../../api/http';
import type { Article } from '../../api/types';
import { formatTime } from '../../components/format';
import { HighlightedText } from '../../components/HighlightedText';
import { useDebounced, useReference } from './reference';
import { articleStatusLabels, type ArticleHit } from './types';

/** Searches the knowledge base for staff (every status, marked); a blank query is no search. */
export function useKnowledgeSearch(query: string, delayMs: number, size = 10) {
  const settled = useDebounced(query.trim(), delayMs);
  const [hits, setHits] = useState<ArticleHit[]>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    if (settled.length === 0) {
      setHits(undefined);
      setError(undefined);
      setLoading(false); // a search still running for the earlier text was cancelled with it
      return;
    }
    let cancelled = false;
    setLoading(true);
    api
      .get<ArticleHit[]>('/api/knowledge/search', { q: settled.slice(0, 2000), size })
      .then((h) => {
        if (cancelled) return;
        setHits(h);
        setError(undefined);
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof ApiError ? e.summary : String(e)))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [settled, size]);
  return { hits, error, loading, settled };
}

export function ValidityTag({ hit }: { hit: Pick<ArticleHit, 'validFrom' | 'validUntil' | 'inForce'> }) {
  const span =
    hit.validFrom && hit.validUntil
      ? `${hit.validFrom} 至 ${hit.validUntil}`
      : hit.validUntil
        ? `至 ${hit.validUntil}`
        : hit.validFrom
          ? `${hit.validFrom} 起`
          : '长期有效';
  if (hit.inForce === false) return <Tag color="red">不在有效期（{span}）</Tag>;
  return <Tag color={hit.validUntil ? 'gold' : 'default'}>有效期：{span}</Tag>;
}

export function StatusTag({ status }: { status: string }) {
  const s = articleStatusLabels[status] ?? { label: status, color: 'default' };
  return <Tag color={s.color}>{s.label}</Tag>;
}

/** One hit: its title and body fragment with the matched words marked, its status and validity, and an optional action. */
export function ArticleHitItem({
  hit,
  onOpen,
  compact,
  action,
}: {
  hit: ArticleHit;
  onOpen: (id: string) => void;
  compact?: boolean;
  action?: ReactNode;
}) {
  const reference = useReference();
  const title = hit.highlights.title?.[0];
  const body = hit.highlights.body?.[0];
  return (
    <article className="knowledge-hit" style={{ padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}>
      <Button type="link" style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left', fontWeight: 600 }} onClick={() => onOpen(hit.id)}>
        <span>{title ? <HighlightedText fragment={title} /> : hit.title}</span>
      </Button>
      {body && (
        <Typography.Paragraph style={{ margin: '4px 0' }} ellipsis={compact ? { rows: 2 } : false}>
          <HighlightedText fragment={body} />
        </Typography.Paragraph>
      )}
      <Space size={4} wrap>
        <StatusTag status={hit.status} />
        <ValidityTag hit={hit} />
        {hit.category && <Tag>{reference?.categories.find((c) => c.id === hit.category)?.name ?? hit.category}</Tag>}
        {!compact && hit.ownerDepartmentId && <Tag>{reference?.departmentName(hit.ownerDepartmentId) ?? hit.ownerDepartmentId}</Tag>}
        {action}
      </Space>
    </article>
  );
}

/** The whole article, read in a drawer beside the work in hand. */
export function ArticleDrawer({ articleId, onClose }: { articleId: string | undefined; onClose: () => void }) {
  const reference = useReference();
  const [article, setArticle] = useState<Article>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!articleId) return;
    let cancelled = false;
    setArticle(undefined);
    setError(undefined);
    api
      .get<Article>(`/api/knowledge/articles/${articleId}`)
      .then((a) => !cancelled && setArticle(a))
      .catch((e: unknown) => !cancelled && setError(e instanceof ApiError ? e.summary : String(e)));
    return () => {
      cancelled = true;
    };
  }, [articleId]);
  return (
    <Drawer open={!!articleId} onClose={onClose} size="large" title={article?.title ?? '知识详情'} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} />}
      {!article && !error && <Spin />}
      {article && (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Space wrap size={4}>
            <StatusTag status={article.status.toLowerCase()} />
            <ValidityTag hit={{ validFrom: article.validFrom, validUntil: article.validUntil }} />
          </Space>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{article.body}</Typography.Paragraph>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="分类">{reference?.categories.find((c) => c.id === article.category)?.name ?? article.category ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="责任单位">{reference?.departmentName(article.ownerDepartmentId) ?? article.ownerDepartmentId ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="关键词">{article.keywords || '—'}</Descriptions.Item>
            <Descriptions.Item label="复核日期">{article.reviewBy ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="更新">
              {formatTime(article.updatedAt)} · {article.updatedBy}（第 {article.version} 版）
            </Descriptions.Item>
          </Descriptions>
        </Space>
      )}
    </Drawer>
  );
}

/**
 * Knowledge-base suggestions for a text: what an agent is typing, or the ticket being answered, where each hit can carry an
 * action (citing it as the answer).
 */
export function KnowledgeSuggestions({
  text,
  delayMs = 400,
  action,
}: {
  text: string;
  delayMs?: number;
  action?: (hit: ArticleHit) => ReactNode;
}) {
  const { hits, error, loading, settled } = useKnowledgeSearch(text, delayMs, 5);
  const [open, setOpen] = useState<string>();
  return (
    <div data-testid="knowledge-suggestions" aria-live="polite" aria-busy={loading}>
      {error && <Alert type="warning" showIcon title={error} />}
      {!error && settled.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="输入诉求内容后推荐相关知识" />}
      {!error && hits?.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="知识库中没有相关内容" />}
      {loading && !hits && <Spin size="small" />}
      {hits?.map((hit) => <ArticleHitItem key={hit.id} hit={hit} onOpen={setOpen} compact action={action?.(hit)} />)}
      <ArticleDrawer articleId={open} onClose={() => setOpen(undefined)} />
    </div>
  );
}
