import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Alert, App, Badge, Button, Form, Input, Modal, Radio, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, ApiError } from '../../api/http';
import type { FeedbackChangedData, Ticket, TicketChangedData, TicketPage } from '../../api/types';
import { Countdown } from '../../components/Countdown';
import { TicketDrawer } from '../../components/TicketDetail';
import { formatTime } from '../../components/format';
import { useLatestOnly } from '../../components/latestOnly';
import { useLiveRefresh } from '../../live/LiveContext';
import { RectificationDrawer } from '../department/RectificationDrawer';
import { currentDeadline, type Rectification } from '../department/rectifications';
import { ReviewForm } from './ReviewForm';
import { urgeStillApplies } from './urgeConflict';

type TabKey = 'overdue' | 'urged' | 'extensions' | 'returns' | 'reviews' | 'lateRectifications';
type Decision = 'urge' | 'extension' | 'return';

const decisionTitles: Record<Decision, string> = { urge: '督办催办', extension: '延期审批', return: '退单审核' };

/** Ticket events that can move a ticket onto or off one of these lists. */
const supervisionKinds = new Set([
  'Dispatched', 'Signed', 'ReturnRequested', 'ReturnApproved', 'ReturnRejected', 'ExtensionRequested', 'ExtensionApproved',
  'ExtensionRejected', 'Urged', 'Replied', 'SignOverdue', 'ReplyOverdue', 'Closed', 'Rehandled', 'MergedInto',
]);

/**
 * 超时与催办: the supervisor's desk — tickets past a deadline and tickets already urged (urge again with a note), extension
 * requests to approve, returns to review, and rectifications reported back for review or overdue. Live: every relevant ticket
 * or rectification event reloads the lists.
 */
export default function OverduePage() {
  const { message } = App.useApp();
  const [lists, setLists] = useState<Record<Exclude<TabKey, 'reviews' | 'lateRectifications'>, TicketPage | undefined>>({
    overdue: undefined,
    urged: undefined,
    extensions: undefined,
    returns: undefined,
  });
  const [reviews, setReviews] = useState<Rectification[]>([]);
  const [late, setLate] = useState<Rectification[]>([]);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [tab, setTab] = useState<TabKey>('overdue');
  const [ticket, setTicket] = useState<string>();
  const [rectification, setRectification] = useState<string>();
  const [deciding, setDeciding] = useState<{ decision: Decision; ticket: Ticket }>();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ note?: string; approve?: boolean }>();

  const begin = useLatestOnly();
  const reload = useCallback(async () => {
    const latest = begin();
    try {
      const [overdue, urged, extensions, returns, toReview, overdueSteps] = await Promise.all([
        api.get<TicketPage>('/api/tickets', { overdue: true, pageSize: 200 }),
        api.get<TicketPage>('/api/tickets', { urged: true, pageSize: 200 }),
        api.get<TicketPage>('/api/tickets', { extensionRequested: true, pageSize: 200 }),
        api.get<TicketPage>('/api/tickets', { state: 'ReturnRequested', pageSize: 200 }),
        api.get<Rectification[]>('/api/feedback/rectifications', { stage: 'Review' }),
        api.get<Rectification[]>('/api/feedback/rectifications/overdue'),
      ]);
      if (!latest()) return;
      setLists({ overdue, urged, extensions, returns });
      setReviews(toReview);
      setLate(overdueSteps);
      setError(undefined);
    } catch (e) {
      if (latest()) setError(e instanceof ApiError ? e.summary : String(e));
    } finally {
      if (latest()) setLoading(false);
    }
  }, [begin]);
  useEffect(() => {
    void reload();
  }, [reload]);
  // Any change to a ticket on a list reloads too, so a decision is never sent with a version the list no longer holds.
  const shown = new Set(Object.values(lists).flatMap((page) => page?.items.map((t) => t.id) ?? []));
  useLiveRefresh<TicketChangedData>(
    ['TicketChanged'],
    (e) => supervisionKinds.has(e.data.kind) || shown.has(e.data.ticketId),
    () => void reload(),
    300,
  );
  useLiveRefresh<FeedbackChangedData>(['FeedbackChanged'], (e) => e.data.subject === 'Rectification', () => void reload(), 300);

  const decide = async () => {
    if (!deciding) return;
    const values = await form.validateFields();
    const { decision } = deciding;
    // The lists reload on every change to a ticket they show: decide on the ticket as the page shows it now (an overdue mark
    // recorded while the dialog was open must not make the urge fail), while a change nobody has seen yet still gets 409 —
    // except a mark that lands after the list was read, which an urge may ignore (urgeStillApplies).
    const t =
      Object.values(lists)
        .flatMap((page) => page?.items ?? [])
        .find((x) => x.id === deciding.ticket.id) ?? deciding.ticket;
    const path = decision === 'urge' ? 'urge' : decision === 'extension' ? 'extension-review' : 'return-review';
    const body = decision === 'urge' ? { message: values.note } : { approve: values.approve, note: values.note || undefined };
    setBusy(true);
    try {
      try {
        await api.post(`/api/tickets/${t.id}/${path}`, { ...body, version: t.version });
      } catch (e) {
        // Refused as stale: an urge goes again, once, when the change was only the overdue check's mark (see urgeStillApplies).
        const current = e instanceof ApiError && e.status === 409 ? (e.problem.ticket as Ticket | undefined) : undefined;
        if (decision !== 'urge' || !current || !urgeStillApplies(t, current)) throw e;
        await api.post(`/api/tickets/${t.id}/${path}`, { ...body, version: current.version });
      }
      message.success(`${decisionTitles[decision]}已提交：${t.trackingCode}`);
      setDeciding(undefined);
      void reload();
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : String(e));
      if (e instanceof ApiError && e.status === 409) void reload();
    } finally {
      setBusy(false);
    }
  };

  const ticketColumns = (action: (t: Ticket) => ReactNode): ColumnsType<Ticket> => [
    {
      title: '工单编号',
      dataIndex: 'trackingCode',
      width: 140,
      render: (code: string, t) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setTicket(t.id)}>
          {code}
        </Button>
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
              {t.urgeCount > 0 && <Tag color="volcano">已催办 {t.urgeCount} 次</Tag>}
            </Space>
          </div>
        </div>
      ),
    },
    { title: '承办单位', width: 190, render: (_, t) => t.leadDepartment?.name ?? '待派单' },
    { title: '状态', dataIndex: 'stateLabel', width: 100, render: (s: string) => <Tag color="blue">{s}</Tag> },
    {
      title: '期限',
      width: 200,
      render: (_, t) => (
        <Space orientation="vertical" size={2}>
          {t.state === 'Dispatched' && <Countdown label="签收" deadline={t.signDeadline} />}
          <Countdown label="办结" deadline={t.replyDeadline} />
        </Space>
      ),
    },
    { title: '操作', width: 130, render: (_, t) => action(t) },
  ];

  const open = (decision: Decision, t: Ticket) => setDeciding({ decision, ticket: t });
  const urgeButton = (t: Ticket) =>
    ['Dispatched', 'Signed', 'ReturnRequested', 'PendingDispatch'].includes(t.state) ? (
      <Button size="small" type="primary" danger onClick={() => open('urge', t)} aria-label={`催办 ${t.trackingCode}`}>
        催办
      </Button>
    ) : null;

  const ticketTable = (key: keyof typeof lists, action: (t: Ticket) => ReactNode, empty: string, extra?: ColumnsType<Ticket>) => {
    const columns = ticketColumns(action);
    if (extra) columns.splice(4, 0, ...extra);
    return (
      <div data-testid={`list-${key}`}>
        <Table<Ticket>
          rowKey="id"
          loading={loading}
          columns={columns}
          dataSource={lists[key]?.items ?? []}
          locale={{ emptyText: empty }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 1000 }}
        />
      </div>
    );
  };

  const rectificationColumns: ColumnsType<Rectification> = [
    {
      title: '工单编号',
      dataIndex: 'trackingCode',
      width: 140,
      render: (code: string, r) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setTicket(r.ticketId)}>
          {code}
        </Button>
      ),
    },
    { title: '当前步骤', dataIndex: 'stageLabel', width: 150, render: (s: string, r) => <Tag color={r.overdue ? 'red' : 'blue'}>{s}</Tag> },
    { title: '本步期限', width: 200, render: (_, r) => <Countdown label="本步" deadline={currentDeadline(r)} /> },
    { title: '反馈市民', dataIndex: 'reportText', render: (v: string | null) => v ?? '—' },
    { title: '差评时间', dataIndex: 'openedAt', width: 150, render: (v: string) => formatTime(v) },
    {
      title: '操作',
      width: 100,
      render: (_, r) => (
        <Button size="small" type={r.stage === 'Review' ? 'primary' : 'default'} onClick={() => setRectification(r.id)}>
          {r.stage === 'Review' ? '审核' : '详情'}
        </Button>
      ),
    },
  ];

  const count = (n: number | undefined, alert = false) => <Badge count={n ?? 0} showZero color={alert && (n ?? 0) > 0 ? '#cf1322' : '#8c8c8c'} />;
  const tabLabel = (label: string, n: number | undefined, alert = false) => (
    <Space size={6}>
      {label}
      {count(n, alert)}
    </Space>
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        超时与催办
      </Typography.Title>
      {error && <Alert type="error" showIcon title={error} action={<Button onClick={() => void reload()}>重试</Button>} />}
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as TabKey)}
        items={[
          {
            key: 'overdue',
            label: tabLabel('超时工单', lists.overdue?.total, true),
            children: ticketTable('overdue', urgeButton, '暂无超时工单'),
          },
          {
            key: 'urged',
            label: tabLabel('已催办', lists.urged?.total),
            children: ticketTable('urged', urgeButton, '暂无催办中的工单'),
          },
          {
            key: 'extensions',
            label: tabLabel('延期审批', lists.extensions?.total, true),
            children: ticketTable(
              'extensions',
              (t) => (
                <Button size="small" type="primary" onClick={() => open('extension', t)} aria-label={`审批延期 ${t.trackingCode}`}>
                  审批
                </Button>
              ),
              '暂无待审批的延期申请',
              [
                {
                  title: '延期申请',
                  width: 220,
                  render: (_, t) => (t.pendingExtension ? `${t.pendingExtension.days} 个工作日：${t.pendingExtension.reason ?? ''}` : '—'),
                },
              ],
            ),
          },
          {
            key: 'returns',
            label: tabLabel('退单审核', lists.returns?.total, true),
            children: ticketTable(
              'returns',
              (t) => (
                <Button size="small" type="primary" onClick={() => open('return', t)} aria-label={`审核退单 ${t.trackingCode}`}>
                  审核
                </Button>
              ),
              '暂无待审核的退单',
            ),
          },
          {
            key: 'reviews',
            label: tabLabel('整改审核', reviews.length, true),
            children: (
              <Table<Rectification>
                rowKey="id"
                loading={loading}
                columns={rectificationColumns}
                dataSource={reviews}
                locale={{ emptyText: '暂无待审核的整改' }}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                scroll={{ x: 900 }}
              />
            ),
          },
          {
            key: 'lateRectifications',
            label: tabLabel('超期整改', late.length, true),
            children: (
              <Table<Rectification>
                rowKey="id"
                loading={loading}
                columns={rectificationColumns}
                dataSource={late}
                locale={{ emptyText: '暂无超期的整改' }}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                scroll={{ x: 900 }}
              />
            ),
          },
        ]}
      />
      <Modal
        open={!!deciding}
        title={deciding ? `${decisionTitles[deciding.decision]} · ${deciding.ticket.trackingCode}` : ''}
        okText="提交"
        cancelText="取消"
        okButtonProps={{ loading: busy }}
        onOk={() => void decide()}
        onCancel={() => setDeciding(undefined)}
        destroyOnHidden
      >
        {deciding && (
          <Typography.Paragraph type="secondary">
            {deciding.ticket.title}（{deciding.ticket.leadDepartment?.name ?? '待派单'}）
          </Typography.Paragraph>
        )}
        {deciding?.decision === 'extension' && deciding.ticket.pendingExtension && (
          <Alert
            type="info"
            style={{ marginBottom: 16 }}
            title={`申请延期 ${deciding.ticket.pendingExtension.days} 个工作日`}
            description={deciding.ticket.pendingExtension.reason}
          />
        )}
        <Form form={form} layout="vertical" initialValues={{ approve: true }} preserve={false}>
          {deciding && deciding.decision !== 'urge' && (
            <Form.Item name="approve" label="审核结论" rules={[{ required: true }]}>
              <Radio.Group
                options={[
                  { value: true, label: deciding.decision === 'return' ? '同意退单（改派）' : '批准延期' },
                  { value: false, label: deciding.decision === 'return' ? '驳回退单（原单位继续办理）' : '不批准' },
                ]}
              />
            </Form.Item>
          )}
          <Form.Item
            name="note"
            label={deciding?.decision === 'urge' ? '督办意见' : '审核意见（可不填）'}
            rules={deciding?.decision === 'urge' ? [{ required: true, whitespace: true, message: '请填写督办意见' }, { max: 2000 }] : [{ max: 2000 }]}
          >
            <Input.TextArea rows={4} maxLength={2000} showCount placeholder={deciding?.decision === 'urge' ? '例如：请于今日内联系市民并反馈办理进度' : ''} />
          </Form.Item>
        </Form>
      </Modal>
      <TicketDrawer ticketId={ticket} onClose={() => setTicket(undefined)} />
      <RectificationDrawer
        id={rectification}
        onClose={() => setRectification(undefined)}
        onTicket={setTicket}
        step={(record, reloadOne) => (
          <ReviewForm
            record={record}
            onDone={() => {
              void reloadOne();
              void reload();
            }}
          />
        )}
      />
    </Space>
  );
}
