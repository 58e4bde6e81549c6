import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, ApiError } from '../../api/http';
import { Countdown } from '../../components/Countdown';
import { TicketDrawer } from '../../components/TicketDetail';
import { formatTime } from '../../components/format';
import { RectificationDrawer } from '../department/RectificationDrawer';
import { currentDeadline, stages, type RatingSummary, type Rectification } from '../department/rectifications';
import { kindLabels, levels, lineName, metrics, type DepartmentLine, type DrillDown as DrillDownResult, type DrillTicket } from './assessment';
import { ReviewForm } from './ReviewForm';

export type Outcome = 'all' | 'met' | 'missed';

/** What a chart click asks to see. */
export type Drill =
  | { kind: 'figure'; department: string; metric: string; outcome: Outcome }
  | { kind: 'ratings'; level?: number; from: string; to: string; periodName: string }
  | { kind: 'rectifications'; stage?: string; department?: string };

/** The period the dashboard shows, as the assessment API takes it. */
export interface PeriodQuery {
  period: string;
  date?: string;
}

const outcomes: { value: Outcome; label: string }[] = [
  { value: 'all', label: '全部' },
  { value: 'met', label: '达标' },
  { value: 'missed', label: '未达标' },
];

/**
 * The tickets behind a chart: a figure's tickets (met, missed or both) from /api/assessment/tickets, the ratings of a period
 * (and level), or the rectifications at a step. Each row opens the ticket in the TicketDrawer; the controls let a supervisor
 * move to another department, figure or outcome without going back to the chart (and without a mouse).
 */
export function DrillDownDrawer({
  drill,
  query,
  lines,
  rectifications,
  onChange,
  onClose,
  onRectificationChanged,
}: {
  drill: Drill | undefined;
  query: PeriodQuery;
  lines: DepartmentLine[];
  rectifications: Rectification[];
  onChange: (drill: Drill) => void;
  onClose: () => void;
  onRectificationChanged: () => void;
}) {
  const [figure, setFigure] = useState<DrillDownResult>();
  const [ratings, setRatings] = useState<RatingSummary[]>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [ticket, setTicket] = useState<string>();
  const [rectification, setRectification] = useState<string>();
  const names = new Map(lines.map((l) => [l.id, l.name]));

  useEffect(() => {
    if (!drill || drill.kind === 'rectifications') return;
    let cancelled = false;
    setLoading(true);
    setError(undefined);
    const load =
      drill.kind === 'figure'
        ? api
            .get<DrillDownResult>('/api/assessment/tickets', { ...query, department: drill.department, metric: drill.metric, outcome: drill.outcome })
            .then((r) => !cancelled && setFigure(r))
        : api
            .get<RatingSummary[]>('/api/feedback/ratings', { round: 1, level: drill.level, from: drill.from, to: drill.to })
            // As the assessment counts them: on a department, and not excluded by an upheld appeal.
            .then((r) => !cancelled && setRatings(r.filter((x) => x.departmentId && !x.excludedFromAssessment)));
    load
      .catch((e) => !cancelled && setError(e instanceof ApiError ? e.summary : String(e)))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [drill, query]);

  const codeButton = (code: string, ticketId: string) => (
    <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setTicket(ticketId)} aria-label={`查看工单 ${code}`}>
      {code}
    </Button>
  );

  const ticketColumns: ColumnsType<DrillTicket> = [
    { title: '工单编号', dataIndex: 'trackingCode', width: 140, render: (code: string, t) => codeButton(code, t.id) },
    { title: '标题', dataIndex: 'title' },
    { title: '类型', dataIndex: 'type', width: 80 },
    { title: '状态', dataIndex: 'state', width: 110, render: (s: string) => <Tag>{s}</Tag> },
    { title: '当前承办单位', dataIndex: 'leadDepartmentId', width: 200, render: (id: string | null) => (id ? (names.get(id) ?? id) : '—') },
    { title: '受理时间', dataIndex: 'receivedAt', width: 150, render: (v: string) => formatTime(v) },
  ];
  const ratingColumns: ColumnsType<RatingSummary> = [
    { title: '工单编号', dataIndex: 'trackingCode', width: 140, render: (code: string, r) => codeButton(code, r.ticketId) },
    {
      title: '评价',
      dataIndex: 'levelLabel',
      width: 110,
      render: (label: string, r) => <Tag color={levels.find((l) => l.level === r.level)?.color}>{label}</Tag>,
    },
    { title: '评价内容', dataIndex: 'comment', render: (c: string | null) => c ?? '—' },
    { title: '承办单位', dataIndex: 'departmentId', width: 200, render: (id: string | null) => (id ? (names.get(id) ?? id) : '—') },
    { title: '渠道', dataIndex: 'channelLabel', width: 100 },
    { title: '评价时间', dataIndex: 'ratedAt', width: 150, render: (v: string) => formatTime(v) },
  ];
  const rectificationColumns: ColumnsType<Rectification> = [
    { title: '工单编号', dataIndex: 'trackingCode', width: 140, render: (code: string, r) => codeButton(code, r.ticketId) },
    {
      title: '当前步骤',
      dataIndex: 'stageLabel',
      width: 160,
      render: (label: string, r) => <Tag color={r.overdue ? 'red' : r.stage === 'Closed' ? 'default' : 'blue'}>{label}</Tag>,
    },
    { title: '本步期限', width: 200, render: (_, r) => (r.stage === 'Closed' ? (r.outcomeLabel ?? '—') : <Countdown label="本步" deadline={currentDeadline(r)} />) },
    { title: '承办单位', dataIndex: 'departmentId', width: 200, render: (id: string | null) => (id ? (names.get(id) ?? id) : '热线中心') },
    { title: '差评时间', dataIndex: 'openedAt', width: 150, render: (v: string) => formatTime(v) },
    {
      title: '操作',
      width: 100,
      render: (_, r) => (
        <Button size="small" type={r.stage === 'Review' ? 'primary' : 'default'} onClick={() => setRectification(r.id)}>
          {r.stage === 'Review' ? '审核' : '整改详情'}
        </Button>
      ),
    },
  ];

  let title = '下钻明细';
  let body = null;
  if (drill?.kind === 'figure') {
    const metric = metrics.find((m) => m.key === drill.metric);
    title = `${names.get(drill.department) ?? drill.department} · ${metric?.label ?? drill.metric}`;
    body = (
      <>
        <Space wrap>
          <Select
            aria-label="单位"
            style={{ width: 260 }}
            value={drill.department}
            showSearch={{ optionFilterProp: 'label' }}
            onChange={(department) => onChange({ ...drill, department })}
            options={lines.map((l) => ({ value: l.id, label: l.kind === 'Centre' ? `${l.name}（全市）` : lineName(l) }))}
          />
          <Select
            aria-label="指标"
            style={{ width: 180 }}
            value={drill.metric}
            onChange={(m) => onChange({ ...drill, metric: m })}
            options={metrics.map((m) => ({ value: m.key, label: m.label }))}
          />
          {metric?.rate !== false && (
            <Segmented<Outcome> aria-label="达标情况" value={drill.outcome} onChange={(o) => onChange({ ...drill, outcome: o })} options={outcomes} />
          )}
        </Space>
        {figure && (
          <Typography.Paragraph style={{ margin: 0 }} data-testid="drilldown-total">
            共 {figure.total} 件工单{figure.total > figure.tickets.length ? `（显示前 ${figure.tickets.length} 件）` : ''}
          </Typography.Paragraph>
        )}
        <Table<DrillTicket>
          rowKey="id"
          size="small"
          loading={loading}
          columns={ticketColumns}
          dataSource={figure?.tickets ?? []}
          locale={{ emptyText: '该指标在本期没有工单' }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 900 }}
        />
      </>
    );
  } else if (drill?.kind === 'ratings') {
    title = `${drill.periodName}的评价${drill.level ? ` · ${levels.find((l) => l.level === drill.level)?.label}` : ''}`;
    body = (
      <>
        <Segmented<number>
          aria-label="评价等级"
          value={drill.level ?? 0}
          onChange={(level) => onChange({ ...drill, level: level || undefined })}
          options={[{ value: 0, label: '全部' }, ...levels.map((l) => ({ value: l.level, label: l.label }))]}
        />
        {ratings && (
          <Typography.Paragraph style={{ margin: 0 }} data-testid="drilldown-total">
            共 {ratings.length} 条评价
          </Typography.Paragraph>
        )}
        <Table<RatingSummary>
          rowKey="id"
          size="small"
          loading={loading}
          columns={ratingColumns}
          dataSource={ratings ?? []}
          locale={{ emptyText: '本期没有这一等级的评价' }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 900 }}
        />
      </>
    );
  } else if (drill?.kind === 'rectifications') {
    const stageLabel = stages.find((s) => s.stage === drill.stage)?.label;
    const shown = rectifications.filter((r) => (!drill.stage || r.stage === drill.stage) && (!drill.department || r.departmentId === drill.department));
    title = `差评整改${stageLabel ? ` · ${stageLabel}` : ''}${drill.department ? ` · ${names.get(drill.department) ?? drill.department}` : ''}`;
    body = (
      <>
        <Select
          aria-label="整改步骤"
          style={{ width: 200 }}
          allowClear
          placeholder="全部步骤"
          value={drill.stage}
          onChange={(stage) => onChange({ ...drill, stage })}
          options={stages.map((s) => ({ value: s.stage, label: s.label }))}
        />
        <Typography.Paragraph style={{ margin: 0 }} data-testid="drilldown-total">
          共 {shown.length} 条整改
        </Typography.Paragraph>
        <Table<Rectification>
          rowKey="id"
          size="small"
          columns={rectificationColumns}
          dataSource={shown}
          locale={{ emptyText: '暂无整改记录' }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 900 }}
        />
      </>
    );
  }

  return (
    <>
      <Drawer open={!!drill} onClose={onClose} size="min(1040px, 100vw)" title={title} destroyOnHidden>
        <div data-testid="drilldown">
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            {error && <Alert type="error" showIcon title={error} />}
            {body}
            {drill?.kind === 'figure' && (
              <Typography.Text type="secondary">
                单位类型：{kindLabels[lines.find((l) => l.id === drill.department)?.kind ?? ''] ?? '—'}；统计口径见考核说明（含下级单位的工单）。
              </Typography.Text>
            )}
          </Space>
        </div>
      </Drawer>
      <TicketDrawer ticketId={ticket} onClose={() => setTicket(undefined)} />
      <RectificationDrawer
        id={rectification}
        onClose={() => setRectification(undefined)}
        onTicket={setTicket}
        step={(record, reload) => (
          <ReviewForm
            record={record}
            onDone={() => {
              void reload();
              onRectificationChanged();
            }}
          />
        )}
      />
    </>
  );
}
