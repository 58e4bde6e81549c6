import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Row, Segmented, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DownloadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, ApiError, withQuery } from '../../api/http';
import type { FeedbackChangedData, TicketChangedData } from '../../api/types';
import { useLatestOnly } from '../../components/latestOnly';
import { useLiveRefresh } from '../../live/LiveContext';
import { stages, type Rectification } from '../department/rectifications';
import {
  assessedDepartments,
  cityTotals,
  kindLabels,
  levels,
  lineName,
  percent,
  periodKinds,
  periodName,
  periodTitle,
  trendDates,
  trendLength,
  type AssessmentReport,
  type DepartmentLine,
  type PeriodKind,
} from './assessment';
import { DrillDownDrawer, type Drill, type PeriodQuery } from './DrillDown';
import { EChart, type ChartOption } from './EChart';

/** The deadline figures drawn per department (按时率). */
const deadlineMetrics = [
  { key: 'responseRate', label: '响应率', color: '#1456c8' },
  { key: 'onTimeSignRate', label: '按时签收率', color: '#13a8a8' },
  { key: 'onTimeCompletionRate', label: '按时办结率', color: '#722ed1' },
];

/** Ticket changes that move a figure; other ticket events (a classification, a follow-up text) do not reload the dashboard. */
const figureKinds = new Set(['Dispatched', 'Signed', 'ReturnApproved', 'ReturnRejected', 'ExtensionApproved', 'Replied', 'CalledBack', 'Closed', 'Rehandled', 'SignOverdue', 'ReplyOverdue']);

const pickerOf: Record<PeriodKind, 'date' | 'week' | 'month' | 'quarter'> = { day: 'date', week: 'week', month: 'month', quarter: 'quarter' };

/**
 * 监督看板: ratings, satisfaction trend, deadlines met by department, bad reviews and their rectification, and the assessment
 * ranking, for a day, week, month or quarter. Every chart drills down to its tickets; the figures export to CSV. Live: a new
 * rating, bad review or rectification step, and every ticket change that moves a figure, reload the figures.
 */
export default function SupervisorDashboard() {
  const [kind, setKind] = useState<PeriodKind>('month');
  const [date, setDate] = useState<Dayjs>();
  const [report, setReport] = useState<AssessmentReport>();
  const [trend, setTrend] = useState<AssessmentReport[]>([]);
  const [rectifications, setRectifications] = useState<Rectification[]>([]);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [drill, setDrill] = useState<Drill>();
  const [rankKind, setRankKind] = useState('Functional');

  // Without a date the host takes today on its own clock, which is the clock deadlines run on.
  const query: PeriodQuery = useMemo(() => ({ period: kind, date: date?.format('YYYY-MM-DD') }), [kind, date]);

  const begin = useLatestOnly();
  const loadFigures = useCallback(async () => {
    const latest = begin();
    try {
      const [r, rect] = await Promise.all([
        api.get<AssessmentReport>('/api/assessment', { ...query }),
        api.get<Rectification[]>('/api/feedback/rectifications'),
      ]);
      if (!latest()) return;
      setReport(r);
      setRectifications(rect);
      setError(undefined);
    } catch (e) {
      if (latest()) setError(e instanceof ApiError ? e.summary : String(e));
    } finally {
      if (latest()) setLoading(false);
    }
  }, [query, begin]);

  useEffect(() => {
    setLoading(true);
    void loadFigures();
  }, [loadFigures]);

  // The trend's earlier periods do not change with today's events; they load once per period shown. The current period's
  // point comes from the live report.
  const from = report?.period.from;
  useEffect(() => {
    if (!from) return;
    let cancelled = false;
    const dates = trendDates(kind, from, trendLength[kind]).slice(0, -1);
    Promise.all(dates.map((d) => api.get<AssessmentReport>('/api/assessment', { period: kind, date: d })))
      .then((reports) => !cancelled && setTrend(reports))
      .catch((e) => !cancelled && setError(e instanceof ApiError ? e.summary : String(e)));
    return () => {
      cancelled = true;
    };
  }, [kind, from]);

  useLiveRefresh<FeedbackChangedData>(['FeedbackChanged'], () => true, () => void loadFigures(), 300);
  useLiveRefresh<TicketChangedData>(['TicketChanged'], (e) => figureKinds.has(e.data.kind), () => void loadFigures(), 1000);

  const lines = useMemo(() => report?.departments ?? [], [report]);
  const totals = useMemo(() => cityTotals(lines), [lines]);
  const deadlineLines = useMemo(() => assessedDepartments(lines, deadlineMetrics.map((m) => m.key)), [lines]);
  const badLines = useMemo(() => lines.filter((l) => l.kind !== 'Centre' && (l.figures.badReviews?.met ?? 0) > 0), [lines]);
  const rankingLines = useMemo(
    () => lines.filter((l) => l.kind === rankKind && l.score !== null).sort((a, b) => (a.rank ?? 999) - (b.rank ?? 999)),
    [lines, rankKind],
  );
  const rankKinds = useMemo(() => [...new Set(lines.filter((l) => l.kind !== 'Centre' && l.score !== null).map((l) => l.kind))], [lines]);
  const centre = lines.find((l) => l.kind === 'Centre') ?? lines[0];
  const openRectifications = rectifications.filter((r) => r.stage !== 'Closed');
  const overdueRectifications = openRectifications.filter((r) => r.overdue);

  const trendReports = useMemo(() => (report ? [...trend, report] : []), [trend, report]);

  // ---- chart options ------------------------------------------------------------------------------------------------
  const ratingOption: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'item' },
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      xAxis: { type: 'category', data: levels.map((l) => l.label), triggerEvent: true },
      yAxis: { type: 'value', minInterval: 1, name: '条' },
      series: [
        {
          name: '评价数',
          type: 'bar',
          barMaxWidth: 48,
          label: { show: true, position: 'top' },
          data: levels.map((l) => ({ value: totals.ratingsByLevel[l.level], itemStyle: { color: l.color } })),
        },
      ],
    }),
    [totals],
  );

  const trendOption: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 32 },
      xAxis: { type: 'category', data: trendReports.map((r) => periodName(r.period)), triggerEvent: true, axisLabel: { interval: 0 } },
      yAxis: [
        { type: 'value', name: '满意率%', min: 0, max: 100 },
        { type: 'value', name: '评价数', minInterval: 1 },
      ],
      series: [
        {
          name: '评价数',
          type: 'bar',
          yAxisIndex: 1,
          barMaxWidth: 32,
          itemStyle: { color: '#bfbfbf' },
          data: trendReports.map((r) => cityTotals(r.departments).ratings),
        },
        {
          name: '满意率',
          type: 'line',
          symbolSize: 10,
          label: { show: true, formatter: (p) => (p.value === null || p.value === undefined ? '' : `${String(p.value)}%`) },
          itemStyle: { color: '#389e0d' },
          connectNulls: true,
          data: trendReports.map((r) => {
            const rate = cityTotals(r.departments).satisfactionRate;
            return rate === null ? null : Math.round(rate * 1000) / 10;
          }),
        },
      ],
    }),
    [trendReports],
  );

  const deadlineOption: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '无数据' : `${String(v)}%`) },
      legend: { top: 0 },
      grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'value', min: 0, max: 100, name: '%' },
      yAxis: { type: 'category', data: deadlineLines.map(lineName), inverse: true, triggerEvent: true, axisLabel: { width: 180, overflow: 'truncate' } },
      series: deadlineMetrics.map((m) => ({
        name: m.label,
        type: 'bar' as const,
        itemStyle: { color: m.color },
        label: { show: true, position: 'right' as const, formatter: (p: { value?: unknown }) => (p.value === null || p.value === undefined ? '' : `${String(p.value)}%`) },
        data: deadlineLines.map((l) => {
          const rate = l.figures[m.key]?.rate;
          return rate === null || rate === undefined ? null : Math.round(rate * 1000) / 10;
        }),
      })),
    }),
    [deadlineLines],
  );

  const badOption: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 32, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1, name: '条' },
      yAxis: { type: 'category', data: badLines.map(lineName), inverse: true, triggerEvent: true, axisLabel: { width: 160, overflow: 'truncate' } },
      series: [
        {
          name: '差评',
          type: 'bar',
          barMaxWidth: 28,
          itemStyle: { color: '#cf1322' },
          label: { show: true, position: 'right' },
          data: badLines.map((l) => l.figures.badReviews?.met ?? 0),
        },
      ],
    }),
    [badLines],
  );

  const rectificationOption: ChartOption = useMemo(() => {
    const byStage = stages.map((s) => ({ ...s, count: rectifications.filter((r) => r.stage === s.stage).length })).filter((s) => s.count > 0);
    return {
      tooltip: { trigger: 'item', formatter: '{b}：{c} 条（{d}%）' },
      legend: { bottom: 0 },
      series: [
        {
          name: '整改进度',
          type: 'pie',
          radius: ['35%', '65%'],
          label: { show: true, formatter: '{b} {c}' },
          data: byStage.map((s) => ({ name: s.label, value: s.count })),
        },
      ],
    };
  }, [rectifications]);

  const rankingOption: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'value', min: 0, max: 100, name: '分' },
      yAxis: {
        type: 'category',
        data: rankingLines.map((l) => `${l.rank}. ${lineName(l)}`),
        inverse: true,
        triggerEvent: true,
        axisLabel: { width: 200, overflow: 'truncate' },
      },
      series: [
        { name: '本期得分', type: 'bar', itemStyle: { color: '#1456c8' }, label: { show: true, position: 'right' }, data: rankingLines.map((l) => l.score) },
        { name: '上期得分', type: 'bar', itemStyle: { color: '#adc6ff' }, data: rankingLines.map((l) => l.previousScore) },
      ],
    }),
    [rankingLines],
  );

  const periodText = report ? `${report.period.from} 至 ${report.period.to}` : '';
  const ratingsDrill = (r: AssessmentReport, level?: number): Drill => ({ kind: 'ratings', level, from: r.period.from, to: r.period.to, periodName: periodTitle(r.period) });

  const rankingColumns: ColumnsType<DepartmentLine> = [
    { title: '排名', dataIndex: 'rank', width: 70, render: (rank: number | null, l) => (rank ? `${rank} / ${l.rankedAmong}` : '—') },
    { title: '单位', dataIndex: 'name', render: (_, l) => lineName(l) },
    { title: '得分', dataIndex: 'score', width: 80, render: (v: number | null) => v ?? '—' },
    { title: '上期得分', dataIndex: 'previousScore', width: 90, render: (v: number | null) => v ?? '—' },
    {
      title: '变化',
      dataIndex: 'change',
      width: 80,
      render: (v: number | null) => (v === null ? '—' : <Tag color={v > 0 ? 'green' : v < 0 ? 'red' : 'default'}>{v > 0 ? `+${v}` : v}</Tag>),
    },
    { title: '响应率', width: 90, render: (_, l) => percent(l.figures.responseRate?.rate) },
    { title: '按时办结率', width: 100, render: (_, l) => percent(l.figures.onTimeCompletionRate?.rate) },
    { title: '满意率', width: 90, render: (_, l) => percent(l.figures.satisfactionRate?.rate) },
    {
      title: '明细',
      width: 90,
      render: (_, l) => (
        <Button size="small" onClick={() => setDrill({ kind: 'figure', department: l.id, metric: 'responseRate', outcome: 'all' })} aria-label={`查看${l.name}的工单`}>
          查看工单
        </Button>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          监督看板
        </Typography.Title>
        <Space wrap>
          <Segmented<PeriodKind>
            aria-label="统计周期"
            value={kind}
            onChange={(k) => {
              setKind(k);
              setTrend([]);
            }}
            options={periodKinds}
          />
          <DatePicker
            aria-label="统计时段"
            picker={pickerOf[kind]}
            value={date ?? (report ? dayjs(report.period.from) : undefined)}
            onChange={(d) => setDate(d ?? undefined)}
            allowClear={false}
          />
          <Button icon={<DownloadOutlined />} href={withQuery('/api/assessment/export', { format: 'csv', ...query })} download>
            导出考核表（CSV）
          </Button>
        </Space>
      </Space>
      <Typography.Text type="secondary" data-testid="period">
        统计时段：{periodText}
        {report && `（上期 ${report.previous.from} 至 ${report.previous.to}）`}
      </Typography.Text>
      {error && <Alert type="error" showIcon title={error} action={<Button onClick={() => void loadFigures()}>重试</Button>} />}

      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card loading={loading}>
            <div data-testid="stat-ratings">
              <Statistic title="评价总数" value={totals.ratings} suffix="条" />
            </div>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card loading={loading}>
            <Statistic title="满意率" value={percent(totals.satisfactionRate)} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card loading={loading}>
            <Statistic title="差评" value={totals.badReviews} suffix="条" styles={{ content: { color: totals.badReviews > 0 ? '#cf1322' : undefined } }} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card loading={loading}>
            <Statistic
              title="整改中 / 超期"
              value={`${openRectifications.length} / ${overdueRectifications.length}`}
              styles={{ content: { color: overdueRectifications.length > 0 ? '#cf1322' : undefined } }}
            />
          </Card>
        </Col>
      </Row>

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title="评价分布（五级）" extra={report && <Button size="small" onClick={() => setDrill(ratingsDrill(report))}>全部评价</Button>}>
            {totals.ratings === 0 && !loading ? (
              <Typography.Text type="secondary">本期暂无评价</Typography.Text>
            ) : (
              <EChart
                label="评价分布"
                testId="chart-ratings"
                option={ratingOption}
                onClick={(c) => report && setDrill(ratingsDrill(report, levels[c.dataIndex].level))}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title="满意度趋势">
            <EChart
              label="满意度趋势"
              testId="chart-trend"
              option={trendOption}
              onClick={(c) => trendReports[c.dataIndex] && setDrill(ratingsDrill(trendReports[c.dataIndex]))}
            />
          </Card>
        </Col>
        <Col xs={24}>
          <Card
            title="各单位办理时效（响应率、按时签收率、按时办结率）"
            extra={centre && <Button size="small" onClick={() => setDrill({ kind: 'figure', department: centre.id, metric: 'onTimeCompletionRate', outcome: 'missed' })}>全市未按时办结</Button>}
          >
            {deadlineLines.length === 0 && !loading ? (
              <Typography.Text type="secondary">本期暂无可统计的工单</Typography.Text>
            ) : (
              <EChart
                label="各单位办理时效"
                testId="chart-deadlines"
                height={Math.max(240, 60 + deadlineLines.length * 56)}
                option={deadlineOption}
                onClick={(c) =>
                  deadlineLines[c.dataIndex] &&
                  setDrill({
                    kind: 'figure',
                    department: deadlineLines[c.dataIndex].id,
                    // A click on the department's name (not one of its bars) opens 按时办结率.
                    metric: deadlineMetrics[c.seriesIndex]?.key ?? 'onTimeCompletionRate',
                    outcome: 'all',
                  })
                }
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title="差评（按单位）">
            {badLines.length === 0 && !loading ? (
              <Typography.Text type="secondary">本期暂无差评</Typography.Text>
            ) : (
              <EChart
                label="各单位差评数"
                testId="chart-bad-reviews"
                height={Math.max(200, 40 + badLines.length * 44)}
                option={badOption}
                onClick={(c) => badLines[c.dataIndex] && setDrill({ kind: 'figure', department: badLines[c.dataIndex].id, metric: 'badReviews', outcome: 'all' })}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title="差评整改进度（当前）" extra={<Button size="small" onClick={() => setDrill({ kind: 'rectifications' })}>全部整改</Button>}>
            {rectifications.length === 0 && !loading ? (
              <Typography.Text type="secondary">暂无整改记录</Typography.Text>
            ) : (
              <EChart
                label="差评整改进度"
                testId="chart-rectifications"
                option={rectificationOption}
                onClick={(c) => setDrill({ kind: 'rectifications', stage: stages.find((s) => s.label === c.name)?.stage })}
              />
            )}
          </Card>
        </Col>
        <Col xs={24}>
          <Card
            title="考核排名"
            extra={
              rankKinds.length > 0 && (
                <Segmented
                  aria-label="单位类型"
                  value={rankKind}
                  onChange={setRankKind}
                  options={rankKinds.map((k) => ({ value: k, label: kindLabels[k] ?? k }))}
                />
              )
            }
          >
            {rankingLines.length === 0 ? (
              <Typography.Text type="secondary">本期暂无可排名的单位</Typography.Text>
            ) : (
              <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
                <EChart
                  label="考核得分排名"
                  testId="chart-ranking"
                  height={Math.max(200, 60 + rankingLines.length * 48)}
                  option={rankingOption}
                  onClick={(c) => rankingLines[c.dataIndex] && setDrill({ kind: 'figure', department: rankingLines[c.dataIndex].id, metric: 'responseRate', outcome: 'all' })}
                />
                <Table<DepartmentLine>
                  rowKey="id"
                  size="small"
                  columns={rankingColumns}
                  dataSource={rankingLines}
                  pagination={false}
                  scroll={{ x: 900 }}
                  data-testid="ranking-table"
                />
              </Space>
            )}
            {report && (
              <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
                得分为各项比率的加权平均（权重：
                {Object.entries(report.weights)
                  .map(([k, w]) => `${report.departments[0]?.figures[k]?.label ?? k} ${w}`)
                  .join('，')}
                ），同类单位之间排名。
              </Typography.Paragraph>
            )}
          </Card>
        </Col>
      </Row>

      <DrillDownDrawer
        drill={drill}
        query={query}
        lines={lines}
        rectifications={rectifications}
        onChange={setDrill}
        onClose={() => setDrill(undefined)}
        onRectificationChanged={() => void loadFigures()}
      />
    </Space>
  );
}
