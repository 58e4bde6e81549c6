import { useState } from 'react';
import { Alert, Badge, Button, Card, Space, Table, Tabs, Tag, Typography } from 'antd';
import { api, ApiError } from '../../api/http';
import type { Ticket, TicketChangedData, TimelineEntry } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { formatTime } from '../../components/format';
import { TicketDrawer } from '../../components/TicketDetail';
import { useLiveRefresh } from '../../live/LiveContext';
import { touchesState, useTicketQueue } from '../agent/AgentQueue';
import { useReference } from '../agent/reference';
import { fromDecision, type Suggestion } from '../agent/suggestion';
import { ReviewModal, TicketActions, useTicketCommand } from '../agent/TicketActions';
import { channelLabels, type RecordedDecision } from '../agent/types';
import { useRowFacts, type RowFact } from './rowFacts';

async function decisionOf(ticket: Ticket): Promise<RecordedDecision | undefined> {
  try {
    return await api.get<RecordedDecision>(`/api/tickets/${ticket.id}/routing`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

async function returnReasonOf(ticket: Ticket): Promise<TimelineEntry | undefined> {
  const timeline = await api.get<TimelineEntry[]>(`/api/tickets/${ticket.id}/timeline`);
  return [...timeline].reverse().find((e) => e.kind === 'ReturnRequested');
}

/** One click sends a ticket to one of the engine's top departments. */
function SuggestionCell({ ticket, suggestion, reload }: { ticket: Ticket; suggestion: RowFact<Suggestion>; reload: () => Promise<void> }) {
  const { busy, run } = useTicketCommand(ticket, reload);
  if (suggestion.state === 'loading') return <Typography.Text type="secondary">正在读取智能建议…</Typography.Text>;
  if (suggestion.state === 'failed') return <Typography.Text type="danger">智能建议读取失败，列表刷新时将重试</Typography.Text>;
  if (suggestion.state === 'absent') return <Typography.Text type="secondary">尚未智能分类</Typography.Text>;
  return <SuggestionButtons suggestion={suggestion.value} busy={busy} run={run} />;
}

function SuggestionButtons({ suggestion, busy, run }: { suggestion: Suggestion } & Pick<ReturnType<typeof useTicketCommand>, 'busy' | 'run'>) {
  // The decision, and the runners-up the model gives a real chance (5% or more).
  const options = suggestion.options.filter((o, i) => o.departmentId && (i === 0 || o.probability === null || o.probability >= 0.05)).slice(0, 3);
  return (
    <Space orientation="vertical" size={4} style={{ width: '100%' }}>
      <Typography.Text type="secondary" style={{ fontSize: '0.9em' }}>
        {suggestion.confidence === null ? '未经分类模型（按派单目录或相似案例）' : `智能分类置信度 ${Math.round(suggestion.confidence * 100)}%`}
      </Typography.Text>
      {suggestion.reason && (
        <Typography.Paragraph type="secondary" ellipsis={{ rows: 1, expandable: true, symbol: '理由' }} style={{ marginBottom: 0, fontSize: '0.9em' }}>
          {suggestion.reason}
        </Typography.Paragraph>
      )}
      <Space size={4} wrap>
        {options.map((o, i) => (
          <Button
            key={`${o.label}:${o.departmentId}`}
            size="small"
            type={i === 0 ? 'primary' : 'default'}
            loading={busy === `dispatch:${o.departmentId}`}
            onClick={() =>
              void run(`dispatch:${o.departmentId}`, 'dispatch', { leadDepartmentId: o.departmentId, categoryId: o.categoryId ?? undefined }, `已派往「${o.departmentName ?? o.departmentId}」`)
            }
            aria-label={`派往${o.departmentName ?? o.departmentId}`}
          >
            派往 {o.departmentName ?? o.departmentId}（{o.label}
            {o.probability === null ? '' : ` ${Math.round(o.probability * 100)}%`}）
          </Button>
        ))}
      </Space>
    </Space>
  );
}

function ReviewButtons({ ticket, reload }: { ticket: Ticket; reload: () => Promise<void> }) {
  const { busy, run } = useTicketCommand(ticket, reload);
  const [deciding, setDeciding] = useState<boolean>();
  return (
    <>
      <Space size={4}>
        <Button size="small" type="primary" onClick={() => setDeciding(true)}>
          同意
        </Button>
        <Button size="small" danger onClick={() => setDeciding(false)}>
          驳回
        </Button>
      </Space>
      <ReviewModal
        approve={deciding}
        busy={busy === 'review'}
        onCancel={() => setDeciding(undefined)}
        onDecide={async (note) => {
          const approve = deciding === true;
          if (await run('review', 'return-review', { approve, note }, approve ? `已同意退单，工单 ${ticket.trackingCode} 待重新派单` : `已驳回退单，工单 ${ticket.trackingCode} 退回原承办单位`))
            setDeciding(undefined);
        }}
      />
    </>
  );
}

/**
 * 派单中心: the tickets the engine was not sure enough to dispatch, each with its top suggestions for a one-click dispatch
 * (or redispatch, after an approved return), and the returns (退单) waiting for review. Both lists follow the hub.
 */
export default function DispatcherPage() {
  const { me } = useAuth();
  const reference = useReference();
  const mayReview = me?.role === 'dispatcher' || me?.role === 'supervisor';
  const pending = useTicketQueue('PendingDispatch', 20);
  const returns = useTicketQueue('ReturnRequested', 20);
  const [open, setOpen] = useState<string>();
  useLiveRefresh<TicketChangedData>(['TicketChanged'], touchesState('PendingDispatch'), () => void pending.reload());
  useLiveRefresh<TicketChangedData>(['TicketChanged'], touchesState('ReturnRequested'), () => void returns.reload());

  const pendingTickets = pending.data?.items ?? [];
  const returnTickets = returns.data?.items ?? [];
  const decision = useRowFacts(pendingTickets, decisionOf);
  // A ticket filed under another category than the engine's (an agent's choice at intake): shown, as that is why it waits.
  const registeredElsewhere = (row: Ticket) => {
    const d = decision(row);
    return d.state === 'ready' && !!row.categoryId && !!d.value.decision.categoryId && row.categoryId !== d.value.decision.categoryId;
  };
  const returnReason = useRowFacts(returnTickets, returnReasonOf);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        派单中心
      </Typography.Title>
      <Card size="small">
        <Tabs
          items={[
            {
              key: 'pending',
              label: (
                <Space size={6}>
                  待人工派单
                  <Badge count={pending.data?.total ?? 0} showZero color="#1456c8" overflowCount={999} />
                </Space>
              ),
              children: (
                <div data-testid="dispatch-queue">
                  {pending.error && <Alert type="error" showIcon title={pending.error} style={{ marginBottom: 8 }} />}
                  <Table<Ticket>
                    size="small"
                    rowKey="id"
                    loading={pending.loading && !pending.data}
                    dataSource={pendingTickets}
                    pagination={pending.pagination}
                    locale={{ emptyText: '暂无待派单工单' }}
                    columns={[
                      { title: '受理时间', dataIndex: 'receivedAt', width: 140, render: (v: string) => formatTime(v) },
                      {
                        title: '工单',
                        render: (_, row) => (
                          <Space orientation="vertical" size={0}>
                            <Space size={4} wrap>
                              <Typography.Text strong>{row.trackingCode}</Typography.Text>
                              <Tag>{channelLabels[row.channel] ?? row.channel}</Tag>
                              <Tag>{row.typeLabel}</Tag>
                              {row.urgency !== 'Normal' && <Tag color="red">{row.urgencyLabel}</Tag>}
                              {row.approvedReturnCount > 0 && <Tag color="orange">已退回 {row.approvedReturnCount} 次，待改派</Tag>}
                              {registeredElsewhere(row) && (
                                <Tag color="gold" title="话务员登记的分类与智能分类不同，请确认">
                                  登记分类：{reference?.categories.find((c) => c.id === row.categoryId)?.name ?? row.categoryId}
                                </Tag>
                              )}
                            </Space>
                            <Typography.Text>{row.title}</Typography.Text>
                            {row.content !== row.title && (
                              <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ marginBottom: 0, maxWidth: 480 }}>
                                {row.content}
                              </Typography.Paragraph>
                            )}
                          </Space>
                        ),
                      },
                      {
                        title: '智能建议（一键派单）',
                        width: 420,
                        render: (_, row) => {
                          const d = decision(row);
                          const suggestion: RowFact<Suggestion> = d.state === 'ready' ? { state: 'ready', value: fromDecision(d.value, reference) } : d;
                          return <SuggestionCell ticket={row} suggestion={suggestion} reload={pending.reload} />;
                        },
                      },
                      {
                        title: '操作',
                        width: 90,
                        render: (_, row) => (
                          <Button size="small" onClick={() => setOpen(row.id)} aria-label={`查看工单 ${row.trackingCode}`}>
                            详情/改派
                          </Button>
                        ),
                      },
                    ]}
                  />
                </div>
              ),
            },
            {
              key: 'returns',
              label: (
                <Space size={6}>
                  退单审核
                  <Badge count={returns.data?.total ?? 0} showZero color={returnTickets.length > 0 ? '#d4380d' : '#8c8c8c'} overflowCount={999} />
                </Space>
              ),
              children: (
                <div data-testid="return-queue">
                  {!mayReview && <Alert type="info" showIcon title="退单由派单员或督办人员审核，话务员可查看。" style={{ marginBottom: 8 }} />}
                  {returns.error && <Alert type="error" showIcon title={returns.error} style={{ marginBottom: 8 }} />}
                  <Table<Ticket>
                    size="small"
                    rowKey="id"
                    loading={returns.loading && !returns.data}
                    dataSource={returnTickets}
                    pagination={returns.pagination}
                    locale={{ emptyText: '暂无待审核的退单' }}
                    columns={[
                      { title: '工单编号', dataIndex: 'trackingCode', width: 110 },
                      { title: '标题', dataIndex: 'title', ellipsis: true },
                      { title: '申请单位', width: 180, render: (_, row) => row.leadDepartment?.name ?? '—' },
                      {
                        title: '退单理由',
                        render: (_, row) => {
                          const entry = returnReason(row);
                          if (entry.state === 'failed') return <Typography.Text type="danger">读取失败，列表刷新时将重试</Typography.Text>;
                          if (entry.state === 'absent') return <Typography.Text type="secondary">（未找到退单记录）</Typography.Text>;
                          return entry.state === 'ready' ? (
                            <span>
                              {entry.value.note ?? '（未填写）'}
                              <Typography.Text type="secondary">（{formatTime(entry.value.at)}）</Typography.Text>
                            </span>
                          ) : (
                            '…'
                          );
                        },
                      },
                      {
                        title: '审核',
                        width: 170,
                        render: (_, row) => (
                          <Space size={4}>
                            {mayReview && <ReviewButtons ticket={row} reload={returns.reload} />}
                            <Button size="small" type="link" onClick={() => setOpen(row.id)}>
                              详情
                            </Button>
                          </Space>
                        ),
                      },
                    ]}
                  />
                </div>
              ),
            },
          ]}
        />
      </Card>
      <TicketDrawer ticketId={open} onClose={() => setOpen(undefined)} actions={(ticket, reload) => <TicketActions ticket={ticket} reload={reload} />} />
    </Space>
  );
}
