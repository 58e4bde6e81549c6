import { useCallback, useEffect, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import { Alert, Badge, Button, Input, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, ApiError } from '../../api/http';
import type { Ticket, TicketChangedData, TicketPage } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { Countdown } from '../../components/Countdown';
import { TicketDrawer } from '../../components/TicketDetail';
import { formatTime } from '../../components/format';
import { useLatestOnly } from '../../components/latestOnly';
import { useLiveEvents, useLiveRefresh } from '../../live/LiveContext';
import { actionsFor, doneStates, groupLabels, groupOf, isOverdue, mergeTicket, openStates, partOf, type InboxGroup } from './inbox';
import { TicketActions } from './TicketActions';

/** Open tickets are few per department; one page holds them all, and the page says so if it ever does not. */
const openPageSize = 200;
const donePageSize = 20;

const types = ['咨询', '求助', '投诉', '举报', '建议', '表扬'];

/**
 * 承办工单: the department's tickets (as lead or co-handler) with countdowns to each deadline, grouped as a handler works
 * through them, and the actions each allows. Live: any change to one of the department's tickets — a new dispatch above all —
 * reloads the lists, so a ticket appears without a reload of the page.
 */
export default function DepartmentInbox() {
  const { me } = useAuth();
  const departmentId = me?.departmentId;
  const [open, setOpen] = useState<Ticket[]>([]);
  const [openTotal, setOpenTotal] = useState(0);
  const [done, setDone] = useState<TicketPage>();
  const [donePage, setDonePage] = useState(1);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [group, setGroup] = useState<InboxGroup | 'all'>('all');
  const [type, setType] = useState<string>();
  const [keyword, setKeyword] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [selected, setSelected] = useState<string>();
  // Tickets that arrived while the page was open carry a "新派单" tag until the handler acts on them.
  const seen = useRef<Set<string> | undefined>(undefined);
  const [fresh, setFresh] = useState<Set<string>>(new Set());

  const begin = useLatestOnly();
  const reload = useCallback(async () => {
    const latest = begin();
    try {
      const [openPage, donePageResult] = await Promise.all([
        api.get<TicketPage>('/api/tickets', { state: openStates.join(','), pageSize: openPageSize, type }),
        api.get<TicketPage>('/api/tickets', { state: doneStates.join(','), pageSize: donePageSize, page: donePage, type }),
      ]);
      if (!latest()) return;
      setOpen(openPage.items);
      setOpenTotal(openPage.total);
      setDone(donePageResult);
      setError(undefined);
      if (!seen.current) {
        seen.current = new Set(openPage.items.map((t) => t.id));
      } else {
        const arrived = openPage.items.filter((t) => !seen.current!.has(t.id) && t.state === 'Dispatched').map((t) => t.id);
        openPage.items.forEach((t) => seen.current!.add(t.id));
        if (arrived.length > 0) setFresh((f) => new Set([...f, ...arrived]));
      }
    } catch (e) {
      if (latest()) setError(e instanceof ApiError ? e.summary : String(e));
    } finally {
      if (latest()) setLoading(false);
    }
  }, [type, donePage, begin]);

  useEffect(() => {
    void reload();
  }, [reload]);
  // The host sends a department only its own tickets' events, so every TicketChanged concerns this inbox. The changed ticket is
  // fetched and put in place at once (one small request: a new dispatch shows within a fraction of a second), and the lists
  // reload shortly after for everything else (counts, the replied list). A load that was already under way when the event
  // came is no longer applied: it may not hold the change.
  useLiveEvents<TicketChangedData>(['TicketChanged'], (e) => {
    begin();
    const id = e.data.ticketId;
    api
      .get<Ticket>(`/api/tickets/${id}`)
      .then((t) => {
        setOpen((list) => mergeTicket(list, t, departmentId, type));
        if (seen.current && !seen.current.has(id) && t.state === 'Dispatched') setFresh((f) => new Set([...f, id]));
        seen.current?.add(id);
      })
      // No longer the department's (a return approved): the reload removes it.
      .catch(() => undefined);
  });
  useLiveRefresh<TicketChangedData>(['TicketChanged'], () => true, () => void reload(), 300);

  const counts = useMemo(() => {
    const c: Record<InboxGroup, number> = { toSign: 0, handling: 0, returning: 0, done: done?.total ?? 0 };
    for (const t of open) c[groupOf(t)]++;
    return c;
  }, [open, done]);

  const shown = useMemo(() => {
    const source = group === 'done' ? (done?.items ?? []) : open.filter((t) => group === 'all' || groupOf(t) === group);
    const words = keyword.trim();
    return source.filter(
      (t) =>
        (!overdueOnly || isOverdue(t)) &&
        (!words || t.trackingCode.includes(words.toUpperCase()) || t.title.includes(words) || t.content.includes(words)),
    );
  }, [group, open, done, keyword, overdueOnly]);

  const columns: ColumnsType<Ticket> = [
    {
      title: '工单编号',
      dataIndex: 'trackingCode',
      width: 150,
      render: (code: string, t) => (
        <Space size={4} wrap>
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setSelected(t.id)}>
            {code}
          </Button>
          {fresh.has(t.id) && t.state === 'Dispatched' && <Tag color="magenta">新派单</Tag>}
        </Space>
      ),
    },
    {
      title: '诉求',
      dataIndex: 'title',
      render: (title: string, t) => (
        <div>
          <Typography.Text strong>{title}</Typography.Text>
          <div>
            <Space size={4} wrap>
              <Tag>{t.typeLabel}</Tag>
              {t.urgency !== 'Normal' && <Tag color="red">{t.urgencyLabel}</Tag>}
              {partOf(t, departmentId) === 'coHandler' ? <Tag color="purple">协办</Tag> : <Tag color="blue">主办</Tag>}
              {t.urgeCount > 0 && <Tag color="volcano">已催办 {t.urgeCount} 次</Tag>}
              {t.pendingExtension && <Tag color="gold">延期 {t.pendingExtension.days} 个工作日审核中</Tag>}
              {t.designated && <Tag color="geekblue">中心指定承办</Tag>}
            </Space>
          </div>
        </div>
      ),
    },
    { title: '状态', dataIndex: 'stateLabel', width: 100, render: (label: string) => <Tag color="blue">{label}</Tag> },
    {
      title: '期限',
      width: 230,
      render: (_, t) => (
        <Space orientation="vertical" size={2}>
          {t.state === 'Dispatched' && <Countdown label="签收" deadline={t.signDeadline} />}
          <Countdown label="办结" deadline={t.replyDeadline} />
          {/* The return window matters only while the department may still return the ticket. */}
          {actionsFor(t, partOf(t, departmentId)).includes('return') && (
            <Countdown label="可退单" deadline={t.returnDeadline} />
          )}
        </Space>
      ),
    },
    { title: '派单时间', dataIndex: 'dispatchedAt', width: 140, render: (v: string | null) => formatTime(v) },
    {
      title: '操作',
      width: 220,
      render: (_, t) => <TicketActions ticket={t} part={partOf(t, departmentId)} onDone={() => void reload()} />,
    },
  ];

  const tab = (key: InboxGroup | 'all', label: string, count: number) => ({
    key,
    label: (
      <Space size={6}>
        {label}
        <Badge count={count} showZero color={key === 'toSign' && count > 0 ? '#cf1322' : '#8c8c8c'} />
      </Space>
    ),
  });

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        承办工单
      </Typography.Title>
      {error && <Alert type="error" showIcon title={error} action={<Button onClick={() => void reload()}>重试</Button>} />}
      {openTotal > open.length && (
        <Alert type="warning" showIcon title={`在办工单共 ${openTotal} 件，此处显示最新的 ${open.length} 件；请用类型筛选缩小范围。`} />
      )}
      <Tabs
        activeKey={group}
        onChange={(k) => setGroup(k as InboxGroup | 'all')}
        items={[
          tab('all', '全部在办', open.length),
          tab('toSign', groupLabels.toSign, counts.toSign),
          tab('handling', groupLabels.handling, counts.handling),
          tab('returning', groupLabels.returning, counts.returning),
          tab('done', '已答复/已办结', counts.done),
        ]}
      />
      <Space wrap>
        <Select
          allowClear
          placeholder="诉求类型"
          aria-label="诉求类型"
          style={{ width: 140 }}
          value={type}
          onChange={(v) => {
            setType(v);
            setDonePage(1);
          }}
          options={types.map((t) => ({ value: t, label: t }))}
        />
        <Input.Search
          allowClear
          placeholder="工单编号、标题或内容"
          aria-label="搜索工单"
          style={{ width: 260 }}
          onSearch={setKeyword}
          onChange={(e) => !e.target.value && setKeyword('')}
        />
        <label>
          <Space size={6}>
            <Switch size="small" checked={overdueOnly} onChange={setOverdueOnly} aria-label="只看已超时" />
            <span>只看已超时</span>
          </Space>
        </label>
      </Space>
      <div data-testid="department-inbox">
      <Table<Ticket>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={shown}
        locale={{ emptyText: group === 'done' ? '暂无已答复的工单' : '暂无待办工单' }}
        onRow={(t) => ({ 'data-tracking-code': t.trackingCode }) as HTMLAttributes<HTMLElement>}
        pagination={
          group === 'done'
            ? { current: donePage, pageSize: donePageSize, total: done?.total ?? 0, onChange: setDonePage, showSizeChanger: false }
            : { pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }
        }
        scroll={{ x: 1000 }}
      />
      </div>
      <TicketDrawer
        ticketId={selected}
        onClose={() => setSelected(undefined)}
        actions={(t, reload2) => (
          <TicketActions
            ticket={t}
            part={partOf(t, departmentId)}
            size="middle"
            onDone={() => {
              void reload2();
              void reload();
            }}
          />
        )}
      />
    </Space>
  );
}
