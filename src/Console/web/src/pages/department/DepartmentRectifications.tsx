import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Segmented, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, ApiError } from '../../api/http';
import type { FeedbackChangedData } from '../../api/types';
import { Countdown } from '../../components/Countdown';
import { TicketDrawer } from '../../components/TicketDetail';
import { formatTime } from '../../components/format';
import { useLatestOnly } from '../../components/latestOnly';
import { useLiveRefresh } from '../../live/LiveContext';
import { DepartmentStepForm, RectificationDrawer } from './RectificationDrawer';
import { currentDeadline, departmentStages, stages, type Rectification } from './rectifications';

type View = 'mine' | 'review' | 'followUp' | 'closed' | 'all';

const views: { value: View; label: string; matches: (r: Rectification) => boolean }[] = [
  { value: 'mine', label: '待本单位办理', matches: (r) => departmentStages.includes(r.stage) },
  { value: 'review', label: '督办审核中', matches: (r) => r.stage === 'Review' },
  { value: 'followUp', label: '待市民再评价', matches: (r) => r.stage === 'FollowUp' },
  { value: 'closed', label: '已结束', matches: (r) => r.stage === 'Closed' },
  { value: 'all', label: '全部', matches: () => true },
];

/**
 * 整改任务: the rectifications of the department's bad reviews, each at its step with the step's deadline. The department
 * verifies, classifies, records what it did with evidence and reports back (the supervisor reviews; the citizen may rate
 * again). Live: every step, urge or new bad review of the department reloads the list.
 */
export default function DepartmentRectifications() {
  const [records, setRecords] = useState<Rectification[]>([]);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [view, setView] = useState<View>('mine');
  const [selected, setSelected] = useState<string>();
  const [ticket, setTicket] = useState<string>();

  const begin = useLatestOnly();
  const reload = useCallback(async () => {
    const latest = begin();
    try {
      const rows = await api.get<Rectification[]>('/api/feedback/rectifications');
      if (!latest()) return;
      setRecords(rows);
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
  useLiveRefresh<FeedbackChangedData>(
    ['FeedbackChanged'],
    (e) => e.data.subject === 'Rectification' || e.data.kind === 'BadReviewReceived' || e.data.kind.startsWith('Appeal'),
    () => void reload(),
  );

  const shown = useMemo(() => records.filter(views.find((v) => v.value === view)!.matches), [records, view]);
  const overdue = records.filter((r) => r.overdue && departmentStages.includes(r.stage)).length;

  const columns: ColumnsType<Rectification> = [
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
    {
      title: '当前步骤',
      dataIndex: 'stageLabel',
      width: 200,
      render: (label: string, r) => (
        <Space size={4} wrap>
          <Tag color={r.stage === 'Closed' ? 'default' : departmentStages.includes(r.stage) ? 'blue' : 'cyan'}>{label}</Tag>
          {r.sentBackCount > 0 && r.stage === 'Record' && <Tag color="orange">督办退回</Tag>}
          {r.urgedSteps.includes(r.stage) && <Tag color="volcano">已催办</Tag>}
        </Space>
      ),
    },
    {
      title: '本步期限',
      width: 200,
      render: (_, r) => (r.stage === 'Closed' ? (r.outcomeLabel ?? '—') : <Countdown label={r.stageLabel} deadline={currentDeadline(r)} />),
    },
    { title: '整改反馈期限', dataIndex: 'rectifyDue', width: 150, render: (v: string) => formatTime(v) },
    { title: '定性', dataIndex: 'kindLabel', width: 170, render: (v: string | null) => v ?? '—' },
    { title: '差评时间', dataIndex: 'openedAt', width: 150, render: (v: string) => formatTime(v) },
    {
      title: '操作',
      width: 110,
      render: (_, r) => (
        <Button
          size="small"
          type={departmentStages.includes(r.stage) ? 'primary' : 'default'}
          aria-label={`${departmentStages.includes(r.stage) ? '办理' : '查看'}整改 ${r.trackingCode}`}
          onClick={() => setSelected(r.id)}
        >
          {departmentStages.includes(r.stage) ? '办理' : '查看'}
        </Button>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        整改任务
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        每条差评都要整改：{stages.slice(0, 4).map((s) => s.label).join(' → ')}，由督办审核后告知市民，市民可再评价一次。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} action={<Button onClick={() => void reload()}>重试</Button>} />}
      {overdue > 0 && <Alert type="error" showIcon title={`有 ${overdue} 条整改已超过本步期限，请尽快办理。`} />}
      <Segmented<View>
        value={view}
        onChange={setView}
        aria-label="整改分组"
        options={views.map((v) => ({ value: v.value, label: `${v.label}（${records.filter(v.matches).length}）` }))}
      />
      <div data-testid="rectification-list">
        <Table<Rectification>
          rowKey="id"
          loading={loading}
          columns={columns}
          dataSource={shown}
          locale={{ emptyText: view === 'mine' ? '暂无待办整改' : '暂无整改记录' }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 1000 }}
        />
      </div>
      <RectificationDrawer
        id={selected}
        onClose={() => setSelected(undefined)}
        onTicket={setTicket}
        step={(record, reloadOne) => (
          <DepartmentStepForm
            record={record}
            onDone={() => {
              void reloadOne();
              void reload();
            }}
          />
        )}
      />
      <TicketDrawer ticketId={ticket} onClose={() => setTicket(undefined)} />
    </Space>
  );
}
