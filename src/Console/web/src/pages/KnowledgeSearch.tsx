import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Card, Empty, Input, Space, Spin, Typography } from 'antd';
import { ArticleDrawer, ArticleHitItem, useKnowledgeSearch } from './agent/KnowledgeHits';

/**
 * 知识库: search every article as staff do (drafts and expired ones too, each marked with its status and whether it is in force
 * today), with the matched words highlighted; an article opens in full beside the list. The query is kept in the address.
 */
export default function KnowledgeSearch() {
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [open, setOpen] = useState<string>();
  const { hits, error, loading, settled } = useKnowledgeSearch(text, 300, 30);
  const change = (value: string) => {
    setText(value);
    setParams(value.trim() ? { q: value } : {}, { replace: true });
  };
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        知识库检索
      </Typography.Title>
      <Card size="small">
        <label htmlFor="knowledge-query" style={{ display: 'block', marginBottom: 8 }}>
          检索词（标题、正文、关键词）
        </label>
        <Input.Search
          id="knowledge-query"
          size="large"
          allowClear
          value={text}
          onChange={(e) => change(e.target.value)}
          onSearch={change}
          placeholder="例如：居住证办理、公积金提取、停水"
          enterButton="检索"
          loading={loading}
        />
      </Card>
      <Card size="small" data-testid="knowledge-results" aria-live="polite" aria-busy={loading}>
        {error && <Alert type="error" showIcon title={error} />}
        {!error && settled.length === 0 && <Empty description="输入检索词查找知识（含草稿和已失效的知识）" />}
        {!error && hits?.length === 0 && <Empty description={`没有与「${settled}」相关的知识`} />}
        {loading && !hits && <Spin />}
        {hits && hits.length > 0 && (
          <Typography.Text type="secondary">
            「{settled}」的检索结果 {hits.length} 条
          </Typography.Text>
        )}
        {hits?.map((hit) => <ArticleHitItem key={hit.id} hit={hit} onOpen={setOpen} />)}
      </Card>
      <ArticleDrawer articleId={open} onClose={() => setOpen(undefined)} />
    </Space>
  );
}
