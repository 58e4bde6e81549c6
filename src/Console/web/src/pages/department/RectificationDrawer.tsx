import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Alert, App, Button, Descriptions, Drawer, Form, Input, Radio, Space, Spin, Steps, Tag, Timeline, Typography } from 'antd';
import { api, ApiError } from '../../api/http';
import type { FeedbackChangedData } from '../../api/types';
import { Countdown } from '../../components/Countdown';
import { formatTime } from '../../components/format';
import { useLatestOnly } from '../../components/latestOnly';
import { useLiveRefresh } from '../../live/LiveContext';
import { departmentStages, kinds, stages, stepDeadline, type RatingSummary, type Rectification } from './rectifications';

/** Loads one rectification with its history and the bad review it answers; reloads when a live event says it changed. */
export function useRectification(id: string | undefined) {
  const [record, setRecord] = useState<Rectification>();
  const [rating, setRating] = useState<RatingSummary>();
  const [error, setError] = useState<string>();
  const begin = useLatestOnly();
  const reload = useCallback(async () => {
    if (!id) return;
    const latest = begin();
    try {
      const r = await api.get<Rectification>(`/api/feedback/rectifications/${id}`);
      const rated = await api.get<RatingSummary>(`/api/feedback/ratings/${r.ratingId}`).catch(() => undefined);
      if (!latest()) return;
      setRecord(r);
      setRating(rated);
      setError(undefined);
    } catch (e) {
      if (latest()) setError(e instanceof ApiError ? e.summary : String(e));
    }
  }, [id, begin]);
  useEffect(() => {
    setRecord(undefined);
    setRating(undefined);
    void reload();
  }, [reload]);
  useLiveRefresh<FeedbackChangedData>(['FeedbackChanged'], (e) => e.data.subjectId === id, () => void reload());
  return { record, rating, error, reload };
}

/**
 * One rectification: the bad review, the steps with their deadlines, what was done so far, its history, and — through
 * `step` — the form for whoever acts next (the department's steps here; the supervisor's review on the supervisor's page).
 */
export function RectificationDrawer({
  id,
  onClose,
  onTicket,
  step,
}: {
  id: string | undefined;
  onClose: () => void;
  onTicket?: (ticketId: string) => void;
  step?: (record: Rectification, reload: () => Promise<void>) => ReactNode;
}) {
  const { record, rating, error, reload } = useRectification(id);
  const current = record ? stages.findIndex((s) => s.stage === record.stage) : 0;
  return (
    <Drawer open={!!id} onClose={onClose} size="large" title={record ? `差评整改 · ${record.trackingCode}` : '差评整改'} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {!record && !error && <Spin />}
      {record && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Steps
            size="small"
            current={current}
            status={record.overdue ? 'error' : record.stage === 'Closed' ? 'finish' : 'process'}
            items={stages.slice(0, 6).map((s) => ({ title: s.label }))}
          />
          {record.stage !== 'Closed' && record.sentBackCount > 0 && record.stage === 'Record' && (
            <Alert type="warning" showIcon title={`督办退回（第 ${record.sentBackCount} 次）`} description={record.reviewNote ?? '请重新整改并反馈。'} />
          )}
          {step?.(record, reload)}
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="工单">
              <Space>
                {record.trackingCode}
                {onTicket && (
                  <Button size="small" onClick={() => onTicket(record.ticketId)}>
                    查看工单
                  </Button>
                )}
              </Space>
            </Descriptions.Item>
            {rating && (
              <Descriptions.Item label="差评">
                <Space orientation="vertical" size={2}>
                  <Space size={4} wrap>
                    <Tag color="red">{rating.levelLabel}</Tag>
                    <Tag>{rating.channelLabel}</Tag>
                    {rating.realName && <Tag color="orange">实名评价</Tag>}
                    <Typography.Text type="secondary">{formatTime(rating.ratedAt)}</Typography.Text>
                  </Space>
                  {rating.comment && <Typography.Text>“{rating.comment}”</Typography.Text>}
                </Space>
              </Descriptions.Item>
            )}
            <Descriptions.Item label="当前步骤">
              <Space wrap>
                <Tag color={record.overdue ? 'red' : 'blue'} data-testid="rectification-stage">
                  {record.stageLabel}
                </Tag>
                {record.outcomeLabel && <Tag>{record.outcomeLabel}</Tag>}
                {record.urgedSteps.length > 0 && (
                  <Tag color="volcano">已催办：{record.urgedSteps.map((s) => stages.find((x) => x.stage === s)?.label ?? s).join('、')}</Tag>
                )}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label="期限">
              <Space wrap>
                <Countdown label="核实" deadline={stepDeadline(record.verifyDue, record.verifiedAt, record.stage === 'Verify', record.overdue)} />
                <Countdown
                  label="整改反馈"
                  deadline={stepDeadline(record.rectifyDue, record.reportedBackAt, departmentStages.includes(record.stage) && record.stage !== 'Verify', record.overdue)}
                />
                <Countdown label="督办审核" deadline={stepDeadline(record.reviewDue, record.acceptedAt, record.stage === 'Review', record.overdue)} />
              </Space>
            </Descriptions.Item>
            {record.verifiedAt && (
              <Descriptions.Item label="核实">
                {record.citizenReached ? '已联系上市民' : '未联系上市民'}：{record.verifyNote}
              </Descriptions.Item>
            )}
            {record.kindLabel && (
              <Descriptions.Item label="定性">
                {record.kindLabel}：{record.classifyNote}
              </Descriptions.Item>
            )}
            {record.action && (
              <Descriptions.Item label="整改情况">
                <div style={{ whiteSpace: 'pre-wrap' }}>{record.action}</div>
                {record.evidence.length > 0 && <div>佐证材料：{record.evidence.join('；')}</div>}
              </Descriptions.Item>
            )}
            {record.reportText && <Descriptions.Item label="反馈市民">{record.reportText}</Descriptions.Item>}
            {record.acceptedAt && (
              <Descriptions.Item label="督办审核">
                {formatTime(record.acceptedAt)} 通过{record.reviewNote ? `：${record.reviewNote}` : ''}
              </Descriptions.Item>
            )}
          </Descriptions>
          <div>
            <Typography.Title level={5}>整改记录</Typography.Title>
            <Timeline
              items={(record.history ?? []).map((h, i) => ({
                key: i,
                children: (
                  <div>
                    <Typography.Text strong>{historyLabels[h.kind] ?? h.kind}</Typography.Text>{' '}
                    <Typography.Text type="secondary">
                      {formatTime(h.at)} · {h.actorName}
                    </Typography.Text>
                    {h.note && <div style={{ whiteSpace: 'pre-wrap' }}>{h.note}</div>}
                  </div>
                ),
              }))}
            />
          </div>
        </Space>
      )}
    </Drawer>
  );
}

/** Chinese names of the Feedback history kinds a rectification's history holds (FeedbackEventKind). */
const historyLabels: Record<string, string> = {
  RatingReceived: '收到评价',
  FollowUpRatingReceived: '市民再评价',
  BadReviewReceived: '收到差评',
  RectificationOpened: '开始整改',
  RectificationVerified: '核实',
  RectificationClassified: '分类定性',
  RectificationRecorded: '记录整改情况',
  RectificationReportedBack: '反馈市民',
  RectificationAccepted: '督办审核通过',
  RectificationSentBack: '督办退回',
  RectificationClosed: '整改结束',
  RectificationOverdue: '超期催办',
  AppealFiled: '提出申诉',
  AppealUpheld: '申诉成立',
  AppealRejected: '申诉驳回',
};

interface StepValues {
  reached?: boolean;
  note?: string;
  kind?: string;
  action?: string;
  evidence?: string;
  text?: string;
}

/** The department's form for the step the record is at: verify, classify, record with evidence, report back. */
export function DepartmentStepForm({ record, onDone }: { record: Rectification; onDone: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<StepValues>();
  const [busy, setBusy] = useState(false);
  if (!departmentStages.includes(record.stage)) return null;

  const submit = async (values: StepValues) => {
    const base = `/api/feedback/rectifications/${record.id}`;
    const body =
      record.stage === 'Verify'
        ? { path: 'verify', data: { reached: values.reached, note: values.note } }
        : record.stage === 'Classify'
          ? { path: 'classify', data: { kind: values.kind, note: values.note } }
          : record.stage === 'Record'
            ? {
                path: 'record',
                data: {
                  action: values.action,
                  evidence: (values.evidence ?? '')
                    .split('\n')
                    .map((e) => e.trim())
                    .filter((e) => e.length > 0),
                },
              }
            : { path: 'report-back', data: { text: values.text } };
    setBusy(true);
    try {
      await api.post(`${base}/${body.path}`, { ...body.data, version: record.version });
      message.success(`已提交：${record.stageLabel}`);
      form.resetFields();
      onDone();
    } catch (e) {
      message.error(e instanceof ApiError ? e.summary : String(e));
    } finally {
      setBusy(false);
    }
  };

  const required = (what: string) => [{ required: true, whitespace: true, message: `请填写${what}` }];
  return (
    <div style={{ border: '1px solid #d9d9d9', borderRadius: 8, padding: 16 }}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        本步骤：{record.stageLabel}
      </Typography.Title>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} key={`${record.id}-${record.stage}-${record.version}`}>
        {record.stage === 'Verify' && (
          <>
            <Form.Item name="reached" label="是否联系上市民" rules={[{ required: true, message: '请选择是否联系上市民' }]}>
              <Radio.Group
                options={[
                  { value: true, label: '已联系上' },
                  { value: false, label: '未联系上' },
                ]}
              />
            </Form.Item>
            <Form.Item name="note" label="核实情况" rules={[...required('核实情况'), { max: 2000 }]}>
              <Input.TextArea rows={3} maxLength={2000} placeholder="与市民沟通的情况、差评原因" />
            </Form.Item>
          </>
        )}
        {record.stage === 'Classify' && (
          <>
            <Form.Item name="kind" label="定性" rules={[{ required: true, message: '请选择定性' }]}>
              <Radio.Group>
                <Space orientation="vertical">
                  {kinds.map((k) => (
                    <Radio key={k.value} value={k.value}>
                      {k.label}
                      <Typography.Text type="secondary">（{k.hint}）</Typography.Text>
                    </Radio>
                  ))}
                </Space>
              </Radio.Group>
            </Form.Item>
            <Form.Item name="note" label="定性说明" rules={[...required('定性说明'), { max: 2000 }]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          </>
        )}
        {record.stage === 'Record' && (
          <>
            <Form.Item name="action" label="整改情况" rules={[...required('整改情况'), { max: 4000 }]}>
              <Input.TextArea rows={4} maxLength={4000} showCount />
            </Form.Item>
            <Form.Item
              name="evidence"
              label="佐证材料（每行一项：附件编号、文书号等）"
              rules={[...required('佐证材料')]}
            >
              <Input.TextArea rows={3} placeholder={'派工单 1105-02\n现场照片 IMG_0012'} />
            </Form.Item>
          </>
        )}
        {record.stage === 'ReportBack' && (
          <Form.Item name="text" label="反馈市民的内容（督办审核通过后发送给市民）" rules={[...required('反馈内容'), { max: 2000 }]}>
            <Input.TextArea rows={4} maxLength={2000} showCount />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" loading={busy}>
          提交{record.stageLabel}
        </Button>
      </Form>
    </div>
  );
}
