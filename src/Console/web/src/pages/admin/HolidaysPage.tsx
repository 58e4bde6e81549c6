import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Drawer, Empty, Form, Input, InputNumber, Row, Space, Table, Tabs, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api, ApiError } from '../../api/http';
import { PageHeader } from './shared/PageHeader';
import { ProblemAlert } from './shared/ProblemAlert';
import { splitProblem } from './shared/problemFields';
import type { CalendarCoverage, HolidayNotice } from './shared/types';
import { useLoad } from './shared/useLoad';
import { YearCalendar } from './YearCalendar';

interface NoticeForm {
  year: number;
  title: string;
  source?: string;
  holidays: { name: string; from: Dayjs | null; to: Dayjs | null }[];
  workingWeekendDays: (Dayjs | null)[];
}

const dateFormat = 'YYYY-MM-DD';

function daysOf(from: string, to: string): number {
  return dayjs(to).diff(dayjs(from), 'day') + 1;
}

/**
 * 节假日安排: the State Council's holiday notices the working-day deadlines are counted on. A year without a notice has no
 * deadlines at all (the host refuses to guess 调休), so the page warns as soon as next year's notice is due and lets an admin enter it.
 */
export default function HolidaysPage() {
  const { message } = App.useApp();
  const notices = useLoad(() => api.get<HolidayNotice[]>('/api/admin/calendar'), []);
  const status = useLoad(() => api.get<CalendarCoverage>('/api/admin/calendar/status'), []);
  const [editing, setEditing] = useState<{ year: number; notice?: HolidayNotice } | null>(null);
  const [activeYear, setActiveYear] = useState<string>();

  const years = useMemo(() => (notices.data ?? []).map((n) => n.year), [notices.data]);
  // "This year" is the host's (its clock and zone decide deadlines), not the browser's.
  const thisYear = status.data?.year ?? dayjs().year();
  // Years the coverage check says are missing: this year, and next year once it is due.
  const missing = useMemo(() => {
    const s = status.data;
    if (!s) return [];
    const list: number[] = [];
    if (!s.currentYear) list.push(s.year);
    if (!s.nextYear) list.push(s.year + 1);
    return list.filter((y) => !years.includes(y));
  }, [status.data, years]);
  // The year the warning is about: this year when it is missing, otherwise next year.
  const warnedYear = status.data?.warning ? (status.data.currentYear ? status.data.year + 1 : status.data.year) : undefined;

  const reload = async () => {
    await Promise.all([notices.reload(), status.reload()]);
  };

  const tabs = [
    ...(notices.data ?? []).map((n) => ({
      key: String(n.year),
      label: `${n.year} 年`,
      children: <NoticeView notice={n} onEdit={() => setEditing({ year: n.year, notice: n })} />,
    })),
    ...missing.map((year) => ({
      key: String(year),
      label: (
        <span>
          {year} 年 <Tag color="warning">未录入</Tag>
        </span>
      ),
      children: (
        <Empty description={`${year} 年的节假日安排尚未录入`}>
          <Button type="primary" onClick={() => setEditing({ year })}>
            录入 {year} 年通知
          </Button>
        </Empty>
      ),
    })),
  ].sort((a, b) => Number(a.key) - Number(b.key));
  const selected = activeYear && tabs.some((t) => t.key === activeYear) ? activeYear : (tabs.find((t) => t.key === String(thisYear))?.key ?? tabs.at(-1)?.key);

  return (
    <>
      <PageHeader
        title="节假日安排"
        onReload={() => void reload()}
        actions={
          <>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ year: missing[0] ?? Math.max(thisYear, ...years) + 1 })}>
              录入通知
            </Button>
          </>
        }
        intro={
          <>
            工作日时限按国务院办公厅每年发布的《关于部分节假日安排的通知》计算，包括周末调休上班日。没有通知的年份无法计算时限（系统不会猜测调休），请在通知发布后及时录入。
          </>
        }
      />
      <div aria-live="polite">
        {status.data?.warning && (
          <Alert
            data-testid="calendar-warning"
            type={status.data.currentYear ? 'warning' : 'error'}
            showIcon
            role="alert"
            style={{ marginBottom: 16 }}
            title={status.data.warning}
            action={
              warnedYear !== undefined && (
                <Button size="small" type="primary" onClick={() => setEditing({ year: warnedYear })}>
                  录入 {warnedYear} 年
                </Button>
              )
            }
          />
        )}
      </div>
      {(notices.error || status.error) && <ProblemAlert lines={[notices.error ?? status.error ?? '']} />}
      <Card loading={notices.loading && !notices.data}>
        {tabs.length === 0 ? (
          <Empty description="尚未录入任何年份的节假日安排" />
        ) : (
          <Tabs activeKey={selected} onChange={setActiveYear} items={tabs} />
        )}
      </Card>
      {editing && (
        <NoticeEditor
          year={editing.year}
          notice={editing.notice}
          knownYears={years}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setActiveYear(String(saved.year));
            message.success(`已保存 ${saved.year} 年节假日安排`);
            void reload();
          }}
        />
      )}
    </>
  );
}

function NoticeView({ notice, onEdit }: { notice: HolidayNotice; onEdit: () => void }) {
  const holidayDays = notice.holidays.reduce((sum, h) => sum + daysOf(h.from, h.to), 0);
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          { key: 't', label: '通知名称', children: notice.title, span: 2 },
          { key: 's', label: '文号', children: notice.source ?? '—' },
          { key: 'n', label: '放假', children: `${notice.holidays.length} 个假期，共 ${holidayDays} 天；调休上班 ${notice.workingWeekendDays.length} 天` },
        ]}
        extra={
          <Button icon={<EditOutlined />} onClick={onEdit}>
            修改 {notice.year} 年
          </Button>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Table
            size="small"
            pagination={false}
            rowKey={(h) => `${h.name}-${h.from}`}
            dataSource={notice.holidays}
            columns={[
              { title: '假期', dataIndex: 'name' },
              { title: '放假时间', key: 'range', render: (_, h) => (h.from === h.to ? h.from : `${h.from} 至 ${h.to}`) },
              { title: '天数', key: 'days', render: (_, h) => `${daysOf(h.from, h.to)} 天` },
            ]}
          />
        </Col>
        <Col xs={24} lg={10}>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            调休上班日
          </Typography.Title>
          {notice.workingWeekendDays.length === 0 ? (
            <Typography.Text type="secondary">无</Typography.Text>
          ) : (
            <Space wrap>
              {notice.workingWeekendDays.map((d) => (
                <Tag key={d} color="blue">
                  {d}（{['日', '一', '二', '三', '四', '五', '六'][dayjs(d).day()]}）
                </Tag>
              ))}
            </Space>
          )}
        </Col>
      </Row>
      <YearCalendar notice={notice} />
    </Space>
  );
}

function NoticeEditor({
  year,
  notice,
  knownYears,
  onClose,
  onSaved,
}: {
  year: number;
  notice?: HolidayNotice;
  knownYears: number[];
  onClose: () => void;
  onSaved: (saved: HolidayNotice) => void;
}) {
  const [form] = Form.useForm<NoticeForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);
  const [listErrors, setListErrors] = useState<{ holidays?: string[]; workingWeekendDays?: string[] }>({});
  const chosenYear = Form.useWatch('year', form) ?? year;
  const replacing = !notice && knownYears.includes(chosenYear);

  const initial: NoticeForm = notice
    ? {
        year: notice.year,
        title: notice.title,
        source: notice.source ?? undefined,
        holidays: notice.holidays.map((h) => ({ name: h.name, from: dayjs(h.from), to: dayjs(h.to) })),
        workingWeekendDays: notice.workingWeekendDays.map((d) => dayjs(d)),
      }
    : { year, title: `国务院办公厅关于${year}年部分节假日安排的通知`, holidays: [{ name: '', from: null, to: null }], workingWeekendDays: [] };

  const save = async (values: NoticeForm) => {
    setBusy(true);
    setProblem([]);
    setListErrors({});
    const body = {
      year: values.year,
      title: values.title.trim(),
      source: values.source?.trim() || null,
      holidays: (values.holidays ?? []).map((h) => ({ name: h.name?.trim() ?? '', from: h.from?.format(dateFormat) ?? '', to: h.to?.format(dateFormat) ?? '' })),
      workingWeekendDays: (values.workingWeekendDays ?? []).filter((d): d is Dayjs => !!d).map((d) => d.format(dateFormat)),
    };
    try {
      onSaved(await api.put<HolidayNotice>(`/api/admin/calendar/${values.year}`, body));
    } catch (e) {
      // Title and source stand beside their inputs; the lists' errors under each list; the rest above the form.
      const split = splitProblem(e, ['title', 'source', 'year', 'holidays', 'workingWeekendDays', 'dates']);
      const fieldErrors = Object.fromEntries(split.fields.map((f) => [f.name, f.errors]));
      form.setFields((['title', 'source', 'year'] as const).filter((f) => fieldErrors[f]).map((f) => ({ name: f, errors: fieldErrors[f] })));
      setListErrors({ holidays: [...(fieldErrors.holidays ?? []), ...(fieldErrors.dates ?? [])], workingWeekendDays: fieldErrors.workingWeekendDays });
      const unplaced = split.others.length > 0 ? split.others : split.fields.length === 0 ? [e instanceof ApiError ? e.summary : '保存失败，请重试。'] : [];
      setProblem(unplaced);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open
      size="large"
      title={notice ? `修改 ${notice.year} 年节假日安排` : '录入节假日通知'}
      onClose={onClose}
      destroyOnHidden
      footer={
        <Space style={{ justifyContent: 'flex-end', width: '100%' }}>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()}>
            保存
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        按通知原文录入每个假期的放假起止日期（含调休形成的连休），以及需要上班的周末。保存后，此后计算的所有工作日时限都按新安排执行。
      </Typography.Paragraph>
      {replacing && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={`${chosenYear} 年已有通知，保存将替换原有安排。`} />}
      <ProblemAlert lines={problem} />
      <Form<NoticeForm> form={form} layout="vertical" initialValues={initial} onFinish={save}>
        <Row gutter={16}>
          <Col xs={24} sm={8}>
            <Form.Item label="年份" name="year" rules={[{ required: true, message: '请填写年份' }]}>
              <InputNumber min={2000} max={2100} disabled={!!notice} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={16}>
            <Form.Item label="文号" name="source" extra="如：国办发明电〔2026〕7号（可不填）">
              <Input maxLength={200} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="通知名称" name="title" rules={[{ required: true, whitespace: true, message: '请填写通知名称' }]}>
          <Input maxLength={200} />
        </Form.Item>

        <Typography.Title level={4}>放假安排</Typography.Title>
        <Form.List name="holidays">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Space key={field.key} align="start" wrap style={{ display: 'flex', marginBottom: 4 }}>
                  <Form.Item
                    name={[field.name, 'name']}
                    label={`假期 ${index + 1} 名称`}
                    rules={[{ required: true, whitespace: true, message: '请填写假期名称' }]}
                  >
                    <Input placeholder="如：春节" style={{ width: 140 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'from']} label={`假期 ${index + 1} 开始日期`} rules={[{ required: true, message: '请选择开始日期' }]}>
                    <DatePicker format={dateFormat} placeholder="开始日期" />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'to']}
                    label={`假期 ${index + 1} 结束日期`}
                    dependencies={[['holidays', field.name, 'from']]}
                    rules={[
                      { required: true, message: '请选择结束日期' },
                      ({ getFieldValue }) => ({
                        validator: (_, value: Dayjs | null) => {
                          const from: Dayjs | null = getFieldValue(['holidays', field.name, 'from']);
                          return !value || !from || !value.isBefore(from, 'day') ? Promise.resolve() : Promise.reject(new Error('结束日期不能早于开始日期'));
                        },
                      }),
                    ]}
                  >
                    <DatePicker format={dateFormat} placeholder="结束日期" />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={`删除假期 ${index + 1}`}
                    onClick={() => remove(field.name)}
                    style={{ marginTop: 30 }}
                    disabled={fields.length === 1}
                  />
                </Space>
              ))}
              <Form.ErrorList errors={listErrors.holidays} />
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', from: null, to: null })} style={{ marginBottom: 24 }}>
                添加假期
              </Button>
            </>
          )}
        </Form.List>

        <Typography.Title level={4}>调休上班日（周末上班）</Typography.Title>
        <Form.List name="workingWeekendDays">
          {(fields, { add, remove }) => (
            <>
              <Space wrap align="start">
                {fields.map((field, index) => (
                  <Space key={field.key} align="start">
                    <Form.Item
                      name={field.name}
                      label={`调休上班日 ${index + 1}`}
                      rules={[
                        { required: true, message: '请选择日期' },
                        {
                          validator: (_, value: Dayjs | null) =>
                            !value || value.day() === 0 || value.day() === 6 ? Promise.resolve() : Promise.reject(new Error('调休上班日应是周六或周日')),
                        },
                      ]}
                    >
                      <DatePicker format={dateFormat} placeholder="选择周末" />
                    </Form.Item>
                    <Button icon={<DeleteOutlined />} aria-label={`删除调休上班日 ${index + 1}`} onClick={() => remove(field.name)} style={{ marginTop: 30 }} />
                  </Space>
                ))}
              </Space>
              <Form.ErrorList errors={listErrors.workingWeekendDays} />
              <div>
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(null)}>
                  添加调休上班日
                </Button>
              </div>
            </>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}
