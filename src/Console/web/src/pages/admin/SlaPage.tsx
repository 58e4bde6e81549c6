import { useState, type ReactNode } from 'react';
import { Alert, Button, Card, Col, DatePicker, Descriptions, Form, InputNumber, Row, Skeleton, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { api, ApiError } from '../../api/http';
import { ProblemAlert } from './shared/ProblemAlert';
import { labelOf, ticketTypeLabels } from './shared/labels';
import { useLoad } from './shared/useLoad';

/** `GET /api/admin/sla`: the host's SlaOptions as configured (enums may arrive as numbers or names). */
interface SlaSettings {
  counting: number | string;
  emergencySignMinutes: number;
  utilitiesSignMinutes: number;
  normalSignWorkingDays: number;
  replyWorkingDays: Record<string, number>;
  emergencyReplyHours: number;
  utilitiesReplyHours: number;
  returnWorkingDays: number;
  maxExtensionWorkingDays: number;
  maxReturnsBeforeDesignation: number;
  timeZone: string;
}

const typeOrder = ['Consultation', 'Help', 'Suggestion', 'Complaint', 'Report', 'Praise'];

function Key({ name }: { name: string }) {
  return (
    <Typography.Text code copyable={{ text: name, tooltips: ['复制配置项', '已复制'] }} style={{ fontSize: '0.85em' }}>
      {name}
    </Typography.Text>
  );
}

function Setting({ value, setting }: { value: ReactNode; setting: string }) {
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text strong>{value}</Typography.Text>
      <Key name={`Hotline:Sla:${setting}`} />
    </Space>
  );
}

/**
 * 办理时限: the deadlines every ticket is held to. They are the host's configuration (read-only here): a deadline is a public
 * commitment, so it changes with a reviewed configuration change and a restart, not with a click. The page also counts working
 * days on the holiday calendar, so an admin can check a deadline by hand.
 */
export default function SlaPage() {
  const sla = useLoad(() => api.get<SlaSettings>('/api/admin/sla'), []);
  const s = sla.data;
  const excludesStartDay = s && (s.counting === 0 || s.counting === 'ExcludeStartDay');

  return (
    <>
      <Typography.Title level={2}>办理时限</Typography.Title>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title="时限由服务器配置设定，本页只读"
        description="办理时限是对市民的公开承诺，修改须经审定：在配置文件或环境变量中修改下列配置项（环境变量把冒号写成两个下划线，如 Hotline__Sla__ReturnWorkingDays），重启服务后生效，只影响此后派出的工单。"
      />
      {sla.error && <ProblemAlert lines={[sla.error]} />}
      {!s ? (
        <Skeleton active />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={12}>
            <Card title="签收时限">
              <Descriptions
                column={1}
                bordered
                size="small"
                items={[
                  { key: 'e', label: '紧急诉求（危及人身财产安全）', children: <Setting value={`${s.emergencySignMinutes} 分钟`} setting="EmergencySignMinutes" /> },
                  { key: 'u', label: '水电气热', children: <Setting value={`${s.utilitiesSignMinutes} 分钟`} setting="UtilitiesSignMinutes" /> },
                  { key: 'n', label: '其他诉求', children: <Setting value={`${s.normalSignWorkingDays} 个工作日`} setting="NormalSignWorkingDays" /> },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card title="紧急诉求的答复时限（与工作日时限取较早者）">
              <Descriptions
                column={1}
                bordered
                size="small"
                items={[
                  { key: 'e', label: '紧急诉求', children: <Setting value={`${s.emergencyReplyHours} 小时`} setting="EmergencyReplyHours" /> },
                  { key: 'u', label: '水电气热', children: <Setting value={`${s.utilitiesReplyHours} 小时`} setting="UtilitiesReplyHours" /> },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card title="答复时限（按诉求类型，自受理起算）">
              <Table
                size="small"
                pagination={false}
                rowKey="type"
                dataSource={typeOrder.filter((t) => t in s.replyWorkingDays).map((type) => ({ type, days: s.replyWorkingDays[type] }))}
                columns={[
                  { title: '诉求类型', dataIndex: 'type', render: (t: string) => labelOf(ticketTypeLabels, t) },
                  { title: '时限', dataIndex: 'days', render: (d: number) => <Typography.Text strong>{d} 个工作日</Typography.Text> },
                  { title: '配置项', dataIndex: 'type', key: 'key', render: (t: string) => <Key name={`Hotline:Sla:ReplyWorkingDays:${t}`} /> },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card title="退单、延期与计算规则">
              <Descriptions
                column={1}
                bordered
                size="small"
                items={[
                  { key: 'r', label: '退单期限（派单后）', children: <Setting value={`${s.returnWorkingDays} 个工作日`} setting="ReturnWorkingDays" /> },
                  { key: 'x', label: '延期合计上限', children: <Setting value={`${s.maxExtensionWorkingDays} 个工作日`} setting="MaxExtensionWorkingDays" /> },
                  {
                    key: 'd',
                    label: '退单几次后由中心指定承办',
                    children: <Setting value={`${s.maxReturnsBeforeDesignation} 次`} setting="MaxReturnsBeforeDesignation" />,
                  },
                  {
                    key: 'c',
                    label: '起算方式',
                    children: (
                      <Setting
                        value={excludesStartDay ? '受理当日不计，次一工作日为第 1 日（《民法典》第二百零一条）' : '受理当日为工作日时计为第 1 日'}
                        setting="Counting"
                      />
                    ),
                  },
                  { key: 'z', label: '时区', children: <Setting value={s.timeZone} setting="TimeZone" /> },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24}>
            <DeadlineCalculator />
          </Col>
        </Row>
      )}
    </>
  );
}

interface DueDateAnswer {
  from: string;
  days: number;
  due: string;
  counting: string;
}

/** Counts working days on the holiday calendar, as deadlines are counted (a missing year is the host's Chinese 503). */
function DeadlineCalculator() {
  const [answer, setAnswer] = useState<DueDateAnswer>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <Card title="工作日推算">
      <Typography.Paragraph type="secondary">按节假日安排（含调休上班日）和上面的起算方式推算期限，用来核对工单的时限。</Typography.Paragraph>
      <Form
        layout="inline"
        initialValues={{ days: 10 }}
        onFinish={async (values: { from: Dayjs; days: number }) => {
          setBusy(true);
          setError(undefined);
          setAnswer(undefined);
          try {
            setAnswer(await api.get<DueDateAnswer>('/api/calendar/add-working-days', { from: values.from.format('YYYY-MM-DD'), days: values.days }));
          } catch (e) {
            setError(e instanceof ApiError ? e.summary : '推算失败，请重试。');
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item label="起算日期" name="from" rules={[{ required: true, message: '请选择起算日期' }]}>
          <DatePicker placeholder="受理日期" />
        </Form.Item>
        <Form.Item label="工作日数" name="days" rules={[{ required: true, message: '请填写工作日数' }]}>
          <InputNumber min={0} max={366} />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" type="primary" loading={busy}>
            推算
          </Button>
        </Form.Item>
      </Form>
      <div aria-live="polite" style={{ marginTop: 16 }}>
        {answer && (
          <Alert
            type="success"
            showIcon
            title={`${answer.from} 起 ${answer.days} 个工作日，期限为 ${answer.due} 24:00`}
          />
        )}
        {error && <Alert type="error" showIcon role="alert" title={error} />}
      </div>
    </Card>
  );
}
