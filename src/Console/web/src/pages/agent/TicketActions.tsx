import { useEffect, useState } from 'react';
import { Alert, App, Button, Empty, Form, Input, Modal, Radio, Select, Space, Spin, Tag, Typography } from 'antd';
import { api, ApiError } from '../../api/http';
import type { Article, Ticket } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { formatTime } from '../../components/format';
import { KnowledgeSuggestions } from './KnowledgeHits';
import { useReference } from './reference';
import { useTicketSuggestion, type Suggestion } from './suggestion';
import type { MergeCandidate, RoutingAdvice } from './types';

/** Runs one ticket action and reports it in Chinese; a stale version (409) reloads the ticket so the person sees what changed. */
export function useTicketCommand(ticket: Ticket, reload: () => Promise<void> | void, onChanged?: (updated: Ticket) => void) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string>();
  const run = async (key: string, path: string, body: object, done: string): Promise<boolean> => {
    setBusy(key);
    try {
      const updated = await api.post<Ticket>(`/api/tickets/${ticket.id}/${path}`, { ...body, version: ticket.version });
      message.success(done);
      onChanged?.(updated);
      await reload();
      return true;
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : '操作失败，请重试。');
      if (e instanceof ApiError && e.status === 409) await reload();
      return false;
    } finally {
      setBusy(undefined);
    }
  };
  return { busy, run };
}

/**
 * What the centre does with a ticket, by its state and the person's role: a ticket waiting for dispatch is dispatched (to the
 * engine's suggestion in one click, or to a chosen department), answered directly, or merged into the same citizen's open
 * ticket; a return (退单) is approved or rejected with a reason by a dispatcher or supervisor.
 */
export function TicketActions({
  ticket,
  reload,
  advice,
  onChanged,
}: {
  ticket: Ticket;
  reload: () => Promise<void> | void;
  advice?: RoutingAdvice;
  onChanged?: (updated: Ticket) => void;
}) {
  const { me } = useAuth();
  const role = me?.role;
  if (ticket.state === 'PendingDispatch' && (role === 'agent' || role === 'dispatcher' || role === 'supervisor')) {
    // Keyed by the ticket: another ticket starts the choices afresh (an open modal of this one survives its reloads).
    return <PendingActions key={ticket.id} ticket={ticket} reload={reload} advice={advice} onChanged={onChanged} />;
  }
  if (ticket.state === 'ReturnRequested') {
    return role === 'dispatcher' || role === 'supervisor' ? (
      <ReturnReview ticket={ticket} reload={reload} onChanged={onChanged} />
    ) : (
      <Alert type="info" showIcon title="退单待审核" description="派单员或督办人员审核后，工单将重新派单或退回原承办单位。" />
    );
  }
  return null;
}

function SuggestionSummary({ suggestion }: { suggestion: Suggestion }) {
  const best = suggestion.options[0];
  return (
    <div>
      <Space wrap size={4}>
        <Typography.Text strong>智能建议：</Typography.Text>
        <Typography.Text>
          派往「{best?.departmentName ?? '未确定'}」（分类 {best?.label}
          {suggestion.confidence === null ? '，未经分类模型' : `，置信度 ${Math.round(suggestion.confidence * 100)}%`}）
        </Typography.Text>
        {suggestion.recorded && <Tag>{suggestion.automatic ? '已自动派单' : '登记时的分类决定'}</Tag>}
      </Space>
      {suggestion.reason && (
        <Typography.Paragraph type="secondary" ellipsis={{ rows: 2, expandable: true, symbol: '展开理由' }} style={{ marginBottom: 0 }}>
          {suggestion.reason}
        </Typography.Paragraph>
      )}
    </div>
  );
}

function PendingActions({
  ticket,
  reload,
  advice,
  onChanged,
}: {
  ticket: Ticket;
  reload: () => Promise<void> | void;
  advice?: RoutingAdvice;
  onChanged?: (updated: Ticket) => void;
}) {
  const reference = useReference();
  const { suggestion, loading, error } = useTicketSuggestion(ticket, advice);
  const { busy, run } = useTicketCommand(ticket, reload, onChanged);
  const [chosen, setChosen] = useState<string>();
  // The category to file it under with a department from the list: the ticket's own until the dispatcher picks another, and
  // sent only when changed, so that choosing a department alone still says which category the dispatcher meant (the usual
  // department's). A pick made for a category the ticket no longer has (the engine classified it meanwhile) is dropped.
  const [categoryPick, setCategoryPick] = useState<{ over: string | null; id: string }>();
  const category = categoryPick?.over === ticket.categoryId ? categoryPick.id : (ticket.categoryId ?? undefined);
  const categoryChanged = !!category && category !== ticket.categoryId;
  const [answering, setAnswering] = useState(false);
  const [merging, setMerging] = useState(false);
  const best = suggestion?.options[0];
  const nameOf = (id: string) => reference?.departmentName(id) ?? id;
  // The suggestion's button sends its category too; a department chosen from the list sends the category only if changed.
  const dispatch = (departmentId: string, categoryId?: string) =>
    run(`dispatch:${departmentId}`, 'dispatch', { leadDepartmentId: departmentId, categoryId }, `已派往「${nameOf(departmentId)}」`);

  return (
    <div data-testid="ticket-actions">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {loading && !suggestion && <Spin size="small" description="正在读取智能建议…" />}
        {suggestion && <SuggestionSummary suggestion={suggestion} />}
        {!loading && !suggestion && <Alert type="info" showIcon title="暂无智能建议" description={error ?? '请选择承办单位派单。'} />}
        {ticket.approvedReturnCount > 0 && (
          <Alert type="warning" showIcon title={`本工单已被退回 ${ticket.approvedReturnCount} 次，请核实承办单位后再派单。`} />
        )}
        <Space wrap>
          {best?.departmentId && (
            <Button type="primary" loading={busy === `dispatch:${best.departmentId}`} onClick={() => void dispatch(best.departmentId!, best.categoryId ?? undefined)}>
              派往建议单位「{best.departmentName ?? best.departmentId}」
            </Button>
          )}
          <Select
            style={{ minWidth: 240 }}
            placeholder="选择其他承办单位"
            aria-label="选择承办单位"
            value={chosen}
            onChange={setChosen}
            showSearch={{ optionFilterProp: 'label' }}
            options={(reference?.departments ?? []).filter((d) => d.active).map((d) => ({ value: d.id, label: d.name }))}
          />
          <Select
            style={{ minWidth: 140 }}
            placeholder="分类"
            aria-label="派单分类"
            value={category}
            onChange={(id: string) => setCategoryPick({ over: ticket.categoryId, id })}
            showSearch={{ optionFilterProp: 'label' }}
            options={(reference?.categories ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
          <Button
            disabled={!chosen}
            loading={!!chosen && busy === `dispatch:${chosen}`}
            onClick={() => chosen && void dispatch(chosen, categoryChanged ? category : undefined)}
          >
            派单
          </Button>
          <Button onClick={() => setAnswering(true)}>直接答复</Button>
          <Button onClick={() => setMerging(true)}>并单</Button>
        </Space>
      </Space>
      <DirectAnswerModal
        ticket={ticket}
        open={answering}
        busy={busy === 'direct-answer'}
        onCancel={() => setAnswering(false)}
        onAnswer={async (answer, articleId) => {
          if (await run('direct-answer', 'direct-answer', { answer, articleId }, '已直接答复并办结')) setAnswering(false);
        }}
      />
      <MergeModal
        ticket={ticket}
        open={merging}
        busy={busy === 'merge'}
        onCancel={() => setMerging(false)}
        onMerge={async (target) => {
          if (await run('merge', 'merge', { targetId: target.ticketId }, `已并入工单 ${target.trackingCode}`)) setMerging(false);
        }}
      />
    </div>
  );
}

interface CitedArticle {
  id: string;
  title: string;
  version: number;
}

/**
 * 直接答复: the agent answers on the spot and the ticket closes. Most such answers come from the knowledge base, so the modal
 * searches it with the ticket's own words; citing an article fills the answer with its text (the agent may still adjust it to
 * the caller) and records which article and version the citizen was told. Only a published article in force can be cited.
 */
function DirectAnswerModal({
  ticket,
  open,
  busy,
  onCancel,
  onAnswer,
}: {
  ticket: Ticket;
  open: boolean;
  busy: boolean;
  onCancel: () => void;
  onAnswer: (answer: string, articleId?: string) => void;
}) {
  const [form] = Form.useForm<{ answer: string }>();
  const [query, setQuery] = useState('');
  const [cited, setCited] = useState<CitedArticle>();
  const [citing, setCiting] = useState<string>();
  const [citeError, setCiteError] = useState<string>();
  useEffect(() => {
    if (!open) return;
    // The title is often the content's first words: search with the content alone then.
    setQuery((ticket.content.startsWith(ticket.title) ? ticket.content : `${ticket.title} ${ticket.content}`).slice(0, 200));
    setCited(undefined);
    setCiteError(undefined);
  }, [open, ticket.id, ticket.title, ticket.content]);

  const cite = async (id: string) => {
    setCiting(id);
    setCiteError(undefined);
    try {
      const article = await api.get<Article>(`/api/knowledge/articles/${id}`);
      form.setFieldsValue({ answer: article.body });
      setCited({ id: article.id, title: article.title, version: article.version });
    } catch (e) {
      setCiteError(e instanceof ApiError ? e.summary : '读取知识失败，请重试。');
    } finally {
      setCiting(undefined);
    }
  };

  return (
    <Modal
      open={open}
      title="直接答复（答复后工单办结）"
      okText="答复并办结"
      cancelText="取消"
      confirmLoading={busy}
      onCancel={onCancel}
      onOk={() => form.submit()}
      destroyOnHidden
      width={760}
    >
      <Form form={form} layout="vertical" onFinish={(v) => onAnswer(v.answer.trim(), cited?.id)} preserve={false}>
        <Form.Item label="答复内容" name="answer" rules={[{ required: true, whitespace: true, message: '请填写答复内容' }]}>
          <Input.TextArea rows={5} maxLength={10000} showCount placeholder="将通过短信告知市民，请使用规范、完整的表述" />
        </Form.Item>
      </Form>
      {cited && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={`依据知识「${cited.title}」（第 ${cited.version} 版）`}
          description="答复已填入该知识的正文，可按来电情况修改；工单会记录这一依据（市民看不到）。"
          action={
            <Button size="small" onClick={() => setCited(undefined)}>
              不作为依据
            </Button>
          }
        />
      )}
      {citeError && <Alert type="error" showIcon title={citeError} style={{ marginBottom: 12 }} />}
      <section aria-label="从知识库查找答复" data-testid="direct-answer-knowledge">
        <Typography.Text strong>从知识库查找答复</Typography.Text>
        <Input.Search
          aria-label="知识库检索词"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          allowClear
          style={{ margin: '8px 0' }}
        />
        <KnowledgeSuggestions
          text={open ? query : ''}
          delayMs={300}
          action={(hit) => {
            const citable = hit.status.toLowerCase() === 'published' && hit.inForce !== false;
            return (
              <Button
                size="small"
                type={cited?.id === hit.id ? 'primary' : 'default'}
                disabled={!citable}
                loading={citing === hit.id}
                title={citable ? undefined : '未发布或不在有效期内的知识不能作为答复依据'}
                aria-label={`引用「${hit.title}」作答`}
                onClick={() => void cite(hit.id)}
              >
                {cited?.id === hit.id ? '已引用' : '引用作答'}
              </Button>
            );
          }}
        />
      </section>
    </Modal>
  );
}

function MergeModal({
  ticket,
  open,
  busy,
  onCancel,
  onMerge,
}: {
  ticket: Ticket;
  open: boolean;
  busy: boolean;
  onCancel: () => void;
  onMerge: (target: MergeCandidate) => void;
}) {
  const [candidates, setCandidates] = useState<MergeCandidate[]>();
  const [error, setError] = useState<string>();
  const [target, setTarget] = useState<string>();
  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    setCandidates(undefined);
    setTarget(undefined);
    setError(undefined);
    api
      .get<MergeCandidate[]>(`/api/tickets/${ticket.id}/merge-suggestions`)
      .then((c) => !cancelled && setCandidates(c))
      .catch((e: unknown) => !cancelled && setError(e instanceof ApiError ? e.summary : String(e)));
    return () => {
      cancelled = true;
    };
  }, [open, ticket.id]);
  const selected = candidates?.find((c) => c.ticketId === target);
  return (
    <Modal
      open={open}
      title={`并单：将工单 ${ticket.trackingCode} 并入同一市民的未办结工单`}
      okText="确认并单"
      cancelText="取消"
      okButtonProps={{ disabled: !selected, danger: true }}
      confirmLoading={busy}
      onCancel={onCancel}
      onOk={() => selected && onMerge(selected)}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">并单后本工单不再单独办理，由所选工单一并答复，操作不可撤销。</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} />}
      {!candidates && !error && <Spin description="正在查找可并入的工单…" />}
      {candidates?.length === 0 && <Empty description="没有可并入的同一市民未办结工单" />}
      {candidates && candidates.length > 0 && (
        <Radio.Group value={target} onChange={(e) => setTarget(e.target.value as string)} style={{ width: '100%' }} aria-label="可并入的工单">
          <Space orientation="vertical" style={{ width: '100%' }}>
            {candidates.map((c) => (
              <Radio key={c.ticketId} value={c.ticketId}>
                <Typography.Text strong>{c.trackingCode}</Typography.Text> {c.title}（{c.stateLabel}，{formatTime(c.receivedAt)}）
                <div>
                  <Typography.Text type="secondary">
                    相似度 {Math.round(c.score * 100)}%：{c.reason}
                  </Typography.Text>
                </div>
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      )}
    </Modal>
  );
}

function ReturnReview({ ticket, reload, onChanged }: { ticket: Ticket; reload: () => Promise<void> | void; onChanged?: (updated: Ticket) => void }) {
  const { busy, run } = useTicketCommand(ticket, reload, onChanged);
  const [deciding, setDeciding] = useState<boolean>();
  return (
    <div data-testid="return-review">
      <Space wrap>
        <Typography.Text>「{ticket.leadDepartment?.name ?? '承办单位'}」申请退单：</Typography.Text>
        <Button type="primary" onClick={() => setDeciding(true)}>
          同意退单
        </Button>
        <Button danger onClick={() => setDeciding(false)}>
          驳回退单
        </Button>
      </Space>
      <ReviewModal
        approve={deciding}
        busy={busy === 'return-review'}
        onCancel={() => setDeciding(undefined)}
        onDecide={async (note) => {
          const approve = deciding === true;
          if (await run('return-review', 'return-review', { approve, note }, approve ? '已同意退单，工单回到待派单' : '已驳回退单，工单退回原承办单位'))
            setDeciding(undefined);
        }}
      />
    </div>
  );
}

/** The reason for a return decision, which the department reads: required either way. */
export function ReviewModal({
  approve,
  busy,
  onCancel,
  onDecide,
}: {
  approve: boolean | undefined;
  busy: boolean;
  onCancel: () => void;
  onDecide: (note: string) => void;
}) {
  const [form] = Form.useForm<{ note: string }>();
  return (
    <Modal
      open={approve !== undefined}
      title={approve ? '同意退单' : '驳回退单'}
      okText={approve ? '确认同意' : '确认驳回'}
      okButtonProps={{ danger: approve === false }}
      cancelText="取消"
      confirmLoading={busy}
      onCancel={onCancel}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => onDecide(v.note.trim())} preserve={false}>
        <Form.Item label="审核意见" name="note" rules={[{ required: true, whitespace: true, message: '请填写审核意见' }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount placeholder={approve ? '例如：确非本单位职责，改派相应单位。' : '例如：属本单位职责范围，请继续办理。'} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
