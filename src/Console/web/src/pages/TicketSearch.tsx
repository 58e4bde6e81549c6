import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Form, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { api, ApiError } from '../api/http';
import type { LiveEvent, Ticket, TicketChangedData, TicketPage } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { Countdown } from '../components/Countdown';
import { formatTime } from '../components/format';
import { useLatestOnly } from '../components/latestOnly';
import { TicketDrawer } from '../components/TicketDetail';
import { useLiveRefresh } from '../live/LiveContext';
import { useReference } from './agent/reference';
import { TicketActions } from './agent/TicketActions';
import { channelLabels, ticketTypes } from './agent/types';

const states = [
  { value: 'PendingDispatch', label: '待派单' },
  { value: 'Dispatched', label: '待签收' },
  { value: 'Signed', label: '办理中' },
  { value: 'ReturnRequested', label: '退单审核中' },
  { value: 'Replied', label: '已答复' },
  { value: 'CalledBack', label: '已回访' },
  { value: 'Closed', label: '已办结' },
  { value: 'Merged', label: '已并单' },
  { value: 'NotAccepted', label: '不予受理' },
  { value: 'Transferred', label: '已转交紧急服务' },
];

const stateColors: Record<string, string> = {
  PendingDispatch: 'orange',
  Dispatched: 'blue',
  Signed: 'processing',
  ReturnRequested: 'volcano',
  Replied: 'cyan',
  CalledBack: 'geekblue',
  Closed: 'green',
};

/**
 * 工单查询: every ticket the person may see (a department its own), filtered by state, department, type and overdue, newest
 * first, a page at a time. The filters live in the address, so a filtered list can be bookmarked or sent to a colleague.
 */
export default function TicketSearch() {
  const { me } = useAuth();
  const reference = useReference();
  const [params, setParams] = useSearchParams();
  const filters = {
    state: params.get('state') ?? '',
    department: params.get('department') ?? '',
    type: params.get('type') ?? '',
    overdue: params.get('overdue') === 'true',
    page: Number(params.get('page') ?? '1') || 1,
    pageSize: Number(params.get('pageSize') ?? '20') || 20,
  };
  const [data, setData] = useState<TicketPage>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [open, setOpen] = useState<string>();
  const query = params.toString();

  // Filters change faster than answers arrive: only the latest query's answer is shown.
  const begin = useLatestOnly();
  const reload = useCallback(async () => {
    const latest = begin();
    setLoading(true);
    try {
      const q = new URLSearchParams(query);
      const page = await api.get<TicketPage>('/api/tickets', {
        state: q.get('state'),
        department: q.get('department'),
        type: q.get('type'),
        overdue: q.get('overdue') === 'true' ? true : undefined,
        page: q.get('page') ?? 1,
        pageSize: q.get('pageSize') ?? 20,
      });
      if (!latest()) return;
      setData(page);
      setError(undefined);
    } catch (e) {
      if (latest()) setError(e instanceof ApiError ? e.summary : String(e));
    } finally {
      if (latest()) setLoading(false);
    }
  }, [query, begin]);
  useEffect(() => {
    void reload();
  }, [reload]);
  // A change to a ticket on this page, or a new ticket while the first page is shown, refreshes the list.
  useLiveRefresh<TicketChangedData>(
    ['TicketChanged'],
    (e: LiveEvent<TicketChangedData>) => (data?.items ?? []).some((t) => t.id === e.data.ticketId) || (filters.page === 1 && e.data.kind === 'Registered'),
    () => void reload(),
  );

  const setFilter = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };

  const isDepartment = me?.role === 'department';
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        工单查询
      </Typography.Title>
      <Card size="small">
        <Form layout="inline" style={{ rowGap: 8 }} aria-label="筛选条件">
          <Form.Item label="状态" htmlFor="filter-state">
            <Select
              id="filter-state"
              mode="multiple"
              allowClear
              style={{ minWidth: 220 }}
              placeholder="全部状态"
              value={filters.state ? filters.state.split(',') : []}
              onChange={(v: string[]) => setFilter({ state: v.join(',') })}
              options={states}
            />
          </Form.Item>
          {!isDepartment && (
            <Form.Item label="承办单位" htmlFor="filter-department">
              <Select
                id="filter-department"
                allowClear
                style={{ minWidth: 220 }}
                placeholder="全部单位"
                showSearch={{ optionFilterProp: 'label' }}
                value={filters.department || undefined}
                onChange={(v?: string) => setFilter({ department: v })}
                options={(reference?.departments ?? []).map((d) => ({ value: d.id, label: d.name }))}
              />
            </Form.Item>
          )}
          <Form.Item label="诉求类型" htmlFor="filter-type">
            <Select
              id="filter-type"
              allowClear
              style={{ minWidth: 120 }}
              placeholder="全部类型"
              value={filters.type || undefined}
              onChange={(v?: string) => setFilter({ type: v })}
              options={ticketTypes}
            />
          </Form.Item>
          <Form.Item label="仅看超时" htmlFor="filter-overdue">
            <Switch id="filter-overdue" checked={filters.overdue} onChange={(on) => setFilter({ overdue: on ? 'true' : undefined })} />
          </Form.Item>
          <Form.Item>
            <Button onClick={() => setParams(new URLSearchParams(), { replace: true })}>重置</Button>
          </Form.Item>
        </Form>
      </Card>
      {error && <Alert type="error" showIcon title={error} />}
      <Card size="small">
        <Table<Ticket>
          data-testid="ticket-list"
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={data?.items ?? []}
          locale={{ emptyText: '没有符合条件的工单' }}
          onRow={(row) => ({ onDoubleClick: () => setOpen(row.id) })}
          pagination={{
            current: filters.page,
            pageSize: filters.pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (n) => `共 ${n} 件`,
            onChange: (page, pageSize) => setFilter({ page: String(page), pageSize: String(pageSize) }),
          }}
          columns={[
            { title: '工单编号', dataIndex: 'trackingCode', width: 110 },
            {
              title: '标题',
              dataIndex: 'title',
              render: (title: string, row) => (
                <Space size={4}>
                  {row.urgency !== 'Normal' && <Tag color="red">{row.urgencyLabel}</Tag>}
                  <span>{title}</span>
                </Space>
              ),
            },
            { title: '类型', dataIndex: 'typeLabel', width: 70 },
            { title: '渠道', dataIndex: 'channel', width: 70, render: (c: string) => channelLabels[c] ?? c },
            { title: '状态', dataIndex: 'stateLabel', width: 110, render: (label: string, row) => <Tag color={stateColors[row.state] ?? 'default'}>{label}</Tag> },
            { title: '承办单位', width: 180, render: (_, row) => row.leadDepartment?.name ?? '—' },
            { title: '受理时间', dataIndex: 'receivedAt', width: 140, render: (v: string) => formatTime(v) },
            {
              title: '期限',
              width: 170,
              render: (_, row) => (
                <Space orientation="vertical" size={2}>
                  <Countdown label="签收" deadline={row.state === 'Dispatched' ? row.signDeadline : null} />
                  <Countdown label="办结" deadline={row.replyDeadline} />
                </Space>
              ),
            },
            {
              title: '操作',
              width: 70,
              render: (_, row) => (
                <Button size="small" type="link" onClick={() => setOpen(row.id)} aria-label={`查看工单 ${row.trackingCode}`}>
                  详情
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <TicketDrawer ticketId={open} onClose={() => setOpen(undefined)} actions={(ticket, reload) => <TicketActions ticket={ticket} reload={reload} />} />
    </Space>
  );
}
