import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Badge, Button, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import { api, ApiError } from '../../api/http';
import type { LiveEvent, Ticket, TicketChangedData, TicketPage } from '../../api/types';
import { formatTime } from '../../components/format';
import { useLatestOnly } from '../../components/latestOnly';
import { useLiveRefresh } from '../../live/LiveContext';
import type { IntakePrefill } from './IntakeForm';
import { channelLabels, type MissedCall } from './types';

/** A ticket event that can add a ticket to the intake queue or take one off it. */
export function touchesState(state: string) {
  return (e: LiveEvent<TicketChangedData>) => e.data.toState === state || e.data.fromState === state;
}

/** Loads a list, reloads it on demand, and keeps the last good answer when a reload fails. */
export function useList<T>(load: () => Promise<T>) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const begin = useLatestOnly();
  const reload = useCallback(async () => {
    const latest = begin();
    setLoading(true);
    try {
      const loaded = await load();
      if (!latest()) return;
      setData(loaded);
      setError(undefined);
    } catch (e) {
      if (latest()) setError(e instanceof ApiError ? e.summary : String(e));
    } finally {
      if (latest()) setLoading(false);
    }
  }, [load, begin]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

/**
 * A queue of tickets in one state, paged on the server oldest first: the tickets waiting longest (nearest their deadlines)
 * come first however many wait, where loading the newest 100 and paging them in the browser hid the rest. Returns the list
 * and the table's pagination.
 */
export function useTicketQueue(state: string, pageSize: number) {
  const [page, setPage] = useState(1);
  const load = useCallback(() => api.get<TicketPage>('/api/tickets', { state, page, pageSize, order: 'oldest' }), [state, page, pageSize]);
  const list = useList(load);
  const total = list.data?.total ?? 0;
  // A page emptied by tickets leaving the queue (the last one dispatched) steps back to the last page that has any.
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  useEffect(() => {
    if (list.data && page > lastPage) setPage(lastPage);
  }, [list.data, page, lastPage]);
  const pagination = {
    current: page,
    pageSize,
    total,
    onChange: setPage,
    hideOnSinglePage: true,
    showSizeChanger: false,
    showTotal: (n: number) => `共 ${n} 件`,
  };
  return { ...list, pagination };
}

const loadMissed = () => api.get<MissedCall[]>('/api/calls/missed');

/**
 * The agent's live queue: contacts from every channel waiting for the centre (待派单), and calls that ended before anyone took
 * them (漏接来电, to call back). Both follow the hub: a new web submission or a missed call appears without a reload.
 */
export function AgentQueue({ onOpen, onRegisterCall }: { onOpen: (ticketId: string) => void; onRegisterCall: (prefill: IntakePrefill) => void }) {
  const { message } = App.useApp();
  const pending = useTicketQueue('PendingDispatch', 10);
  const missed = useList(loadMissed);
  useLiveRefresh<TicketChangedData>(['TicketChanged'], touchesState('PendingDispatch'), () => void pending.reload());
  useLiveRefresh(['MissedCallChanged'], () => true, () => void missed.reload());

  const calledBack = async (call: MissedCall) => {
    try {
      await api.post(`/api/calls/${encodeURIComponent(call.callSid)}/called-back`);
      message.success(`已标记 ${call.phone} 已回拨`);
      await missed.reload();
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : '操作失败，请重试。');
    }
  };

  const tickets = pending.data?.items ?? [];
  const calls = missed.data ?? [];
  return (
    <div data-testid="agent-queue">
      <Tabs
        items={[
          {
            key: 'pending',
            label: (
              <Space size={6}>
                待处理来件
                <Badge count={pending.data?.total ?? 0} showZero color="#1456c8" overflowCount={999} />
              </Space>
            ),
            children: (
              <>
                {pending.error && <Alert type="error" showIcon title={pending.error} style={{ marginBottom: 8 }} />}
                <Table<Ticket>
                  size="small"
                  rowKey="id"
                  loading={pending.loading && !pending.data}
                  dataSource={tickets}
                  pagination={pending.pagination}
                  locale={{ emptyText: '暂无待处理来件' }}
                  onRow={(row) => ({ onDoubleClick: () => onOpen(row.id) })}
                  columns={[
                    { title: '受理时间', dataIndex: 'receivedAt', width: 140, render: (v: string) => formatTime(v) },
                    { title: '工单编号', dataIndex: 'trackingCode', width: 110 },
                    { title: '渠道', dataIndex: 'channel', width: 70, render: (c: string) => channelLabels[c] ?? c },
                    {
                      title: '标题',
                      dataIndex: 'title',
                      ellipsis: true,
                      render: (title: string, row) => (
                        <Space size={4}>
                          {row.urgency !== 'Normal' && <Tag color="red">{row.urgencyLabel}</Tag>}
                          {row.approvedReturnCount > 0 && <Tag color="orange">退回重派</Tag>}
                          <span>{title}</span>
                        </Space>
                      ),
                    },
                    { title: '类型', dataIndex: 'typeLabel', width: 70 },
                    { title: '市民', width: 130, render: (_, row) => (row.citizen.anonymous ? '匿名' : (row.citizen.phone ?? '—')) },
                    {
                      title: '操作',
                      width: 80,
                      render: (_, row) => (
                        <Button size="small" type="link" onClick={() => onOpen(row.id)} aria-label={`处理工单 ${row.trackingCode}`}>
                          处理
                        </Button>
                      ),
                    },
                  ]}
                />
              </>
            ),
          },
          {
            key: 'missed',
            label: (
              <Space size={6}>
                漏接来电
                <Badge count={calls.length} showZero color={calls.length > 0 ? '#d4380d' : '#8c8c8c'} overflowCount={999} />
              </Space>
            ),
            children: (
              <>
                {missed.error && <Alert type="error" showIcon title={missed.error} style={{ marginBottom: 8 }} />}
                <Table<MissedCall>
                  size="small"
                  rowKey="callSid"
                  loading={missed.loading && !missed.data}
                  dataSource={calls}
                  pagination={{ pageSize: 10, hideOnSinglePage: true }}
                  locale={{ emptyText: '暂无漏接来电' }}
                  columns={[
                    { title: '来电时间', dataIndex: 'startedAt', width: 140, render: (v: string) => formatTime(v) },
                    { title: '号码', dataIndex: 'phone', width: 140 },
                    { title: '此前工单', dataIndex: 'earlierTickets', width: 80, render: (n: number) => (n > 0 ? `${n} 件` : '无') },
                    {
                      title: '留言',
                      dataIndex: 'transcript',
                      ellipsis: true,
                      render: (t: string | null, row) =>
                        t ?? (row.recordingUrl ? <Typography.Text type="secondary">有录音，转写中</Typography.Text> : '—'),
                    },
                    {
                      title: '操作',
                      width: 190,
                      render: (_, row) => (
                        <Space size={4}>
                          <Button
                            size="small"
                            onClick={() =>
                              onRegisterCall({ callSid: row.callSid, caller: row.phone, phone: row.phone === '未显示号码' ? undefined : row.phone, content: row.transcript ?? undefined })
                            }
                          >
                            回拨登记
                          </Button>
                          <Popconfirm title="确认已回拨该号码？" okText="已回拨" cancelText="取消" onConfirm={() => calledBack(row)}>
                            <Button size="small">标记已回拨</Button>
                          </Popconfirm>
                        </Space>
                      ),
                    },
                  ]}
                />
              </>
            ),
          },
        ]}
      />
    </div>
  );
}
