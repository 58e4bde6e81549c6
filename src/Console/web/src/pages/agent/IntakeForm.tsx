import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Col, Form, Input, Row, Select, Space } from 'antd';
import { api, ApiError } from '../../api/http';
import type { Ticket } from '../../api/types';
import { KnowledgeSuggestions } from './KnowledgeHits';
import { useDebounced, useReference } from './reference';
import { RoutingAdvicePanel } from './RoutingAdvicePanel';
import { channelLabels, ticketTypes, urgencies, type RoutingAdvice } from './types';

/** What a screen pop or the missed-call list hands the form: the call, and what is already known of it. */
export interface IntakePrefill {
  callSid: string;
  /** How the number is shown: masked for a ringing call (the host fills in the number from the call). */
  caller: string;
  phone?: string;
  content?: string;
}

interface IntakeValues {
  phone?: string;
  name?: string;
  anonymous?: boolean;
  channel: string;
  type: string;
  urgency: string;
  title?: string;
  content: string;
  address?: string;
  areaId?: string;
  /** The category the agent files it under; left empty, the routing engine decides. */
  categoryId?: string;
}

const initialValues: Partial<IntakeValues> = { channel: 'Phone', type: 'Consultation', urgency: 'Normal', anonymous: false };

/** The question the routing advice answers, as one string: advice is reused only for exactly the text it was given. */
const adviceQuestion = (title: string, content: string, address: string, areaId: string | undefined, categoryId: string | undefined) =>
  JSON.stringify({ title, content, address, areaId, categoryId });

/**
 * Asks the routing engine about the text being typed, once the agent pauses; keeps the last answer while the next is coming.
 * `answered` is the question the shown advice answers, which lags the form while the agent types.
 */
function useRoutingAdvice(title: string, content: string, address: string, areaId: string | undefined, categoryId: string | undefined) {
  const question = useDebounced(adviceQuestion(title, content, address, areaId, categoryId), 600);
  const [advice, setAdvice] = useState<RoutingAdvice>();
  const [answered, setAnswered] = useState<string>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    const q = JSON.parse(question) as { title: string; content: string; address: string; areaId?: string; categoryId?: string };
    if (q.content.trim().length < 4) {
      setAdvice(undefined);
      setError(undefined);
      setLoading(false); // a request still running for the earlier text was cancelled with it
      return;
    }
    let cancelled = false;
    setLoading(true);
    api
      .post<RoutingAdvice>('/api/routing/suggest', {
        title: q.title.trim() || undefined,
        content: q.content.trim(),
        address: q.address.trim() || undefined,
        areaId: q.areaId || undefined,
        // The chosen category: the advice then says whether registering under it would hold the ticket for a dispatcher.
        categoryId: q.categoryId || undefined,
      })
      .then((a) => {
        if (cancelled) return;
        setAdvice(a);
        setAnswered(question);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setAdvice(undefined);
        setError(e instanceof ApiError ? e.summary : String(e));
      })
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [question]);
  return { advice, answered, error, loading };
}

/**
 * The agent's ticket form (POST /api/tickets), with the knowledge base's answers and the routing engine's suggestion beside it,
 * both following the text as it is typed. A call from a screen pop or the missed-call list is registered as that call's ticket.
 */
export function IntakeForm({
  prefill,
  onClearPrefill,
  onRegistered,
}: {
  prefill: IntakePrefill | undefined;
  onClearPrefill: () => void;
  onRegistered: (ticket: Ticket, advice: RoutingAdvice | undefined) => void;
}) {
  const { message } = App.useApp();
  const reference = useReference();
  const [form] = Form.useForm<IntakeValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const title = Form.useWatch('title', form) ?? '';
  const content = Form.useWatch('content', form) ?? '';
  const address = Form.useWatch('address', form) ?? '';
  const areaId = Form.useWatch('areaId', form);
  const categoryId = Form.useWatch('categoryId', form);
  const { advice, answered, error: adviceError, loading: adviceLoading } = useRoutingAdvice(title, content, address, areaId, categoryId);

  useEffect(() => {
    if (!prefill) return;
    form.setFieldsValue({ channel: 'Phone', phone: prefill.phone ?? undefined, content: prefill.content ?? form.getFieldValue('content') });
    form.focusField('content');
  }, [prefill, form]);

  const submit = async (values: IntakeValues) => {
    setBusy(true);
    setError(undefined);
    try {
      const ticket = await api.post<Ticket>('/api/tickets', {
        ...values,
        phone: values.phone?.trim() || undefined,
        title: values.title?.trim() || undefined,
        content: values.content.trim(),
        callSid: prefill?.callSid,
      });
      message.success(`已登记工单 ${ticket.trackingCode}`);
      // The advice on screen goes with the ticket only if it answered the text registered: one typed after it (within the
      // pause, or while the request ran) gets the engine's own decision for the ticket instead.
      const current = adviceQuestion(values.title ?? '', values.content, values.address ?? '', values.areaId, values.categoryId);
      onRegistered(ticket, answered === current ? advice : undefined);
      form.resetFields();
      onClearPrefill();
    } catch (e) {
      setError(e instanceof ApiError ? e.summary : '登记失败，请重试。');
    } finally {
      setBusy(false);
    }
  };

  const areas = (reference?.areas ?? []).filter((a) => a.level !== 'City');
  const applyAdvice = () => {
    if (!advice) return;
    form.setFieldsValue({
      ...(advice.type ? { type: advice.type } : {}),
      ...(advice.urgency !== 'Normal' ? { urgency: advice.urgency } : {}),
      ...(advice.area && !areaId ? { areaId: advice.area.areaId } : {}),
    });
  };
  const adviceChangesForm = !!advice && (!!advice.type || advice.urgency !== 'Normal' || (!!advice.area && !areaId));

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <Card title="登记来电 / 来件" size="small">
          {prefill && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              title={`正在为来电 ${prefill.caller} 登记`}
              description={
                prefill.phone
                  ? undefined
                  : prefill.caller === '未显示号码'
                    ? '来电未显示号码，请向市民询问联系电话。'
                    : '号码取自来电记录，无需填写；市民提供其他联系电话时可在下方填写。'
              }
              action={
                <Button size="small" onClick={onClearPrefill}>
                  取消关联
                </Button>
              }
            />
          )}
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} role="alert" />}
          <Form form={form} layout="vertical" initialValues={initialValues} onFinish={submit} name="intake" requiredMark="optional">
            <Row gutter={12}>
              <Col xs={24} md={8}>
                <Form.Item
                  label="联系电话"
                  name="phone"
                  // A ringing call's number is on the host; a withheld one has none, so the agent asks for one.
                  rules={[{ required: !prefill || !!prefill.phone || prefill.caller === '未显示号码', whitespace: true, message: '请填写来电号码或联系电话' }]}
                >
                  <Input placeholder={prefill && !prefill.phone ? `来电 ${prefill.caller}` : '例如 13812345678'} autoComplete="off" />
                </Form.Item>
              </Col>
              <Col xs={12} md={8}>
                <Form.Item label="姓名" name="name">
                  <Input autoComplete="off" maxLength={50} />
                </Form.Item>
              </Col>
              <Col xs={12} md={8}>
                <Form.Item label="渠道" name="channel">
                  <Select options={Object.entries(channelLabels).map(([value, label]) => ({ value, label }))} />
                </Form.Item>
              </Col>
              <Col xs={12} md={6}>
                <Form.Item label="诉求类型" name="type">
                  <Select options={ticketTypes} />
                </Form.Item>
              </Col>
              <Col xs={12} md={6}>
                <Form.Item label="紧急程度" name="urgency">
                  <Select options={urgencies} />
                </Form.Item>
              </Col>
              <Col xs={12} md={6}>
                {/* Optional: the engine classifies what is left empty. A category chosen here stands, and where the engine would
                    choose another the ticket waits for a dispatcher (the advice beside the form says so before registering). */}
                <Form.Item label="诉求分类" name="categoryId">
                  <Select
                    allowClear
                    placeholder="不填由智能分派判断"
                    showSearch={{ optionFilterProp: 'label' }}
                    options={(reference?.categories ?? []).map((c) => ({ value: c.id, label: c.name }))}
                  />
                </Form.Item>
              </Col>
              <Col xs={12} md={6}>
                <Form.Item label="所属区域" name="areaId">
                  <Select
                    allowClear
                    placeholder="可按地址自动识别"
                    showSearch={{ optionFilterProp: 'label' }}
                    options={areas.map((a) => ({ value: a.id, label: a.name }))}
                  />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item label="标题" name="title">
              <Input maxLength={200} placeholder="不填则取诉求内容开头" />
            </Form.Item>
            {/* The API's limit (10,000, as for citizens): a long letter typed in must not be cut silently by the form. */}
            <Form.Item label="诉求内容" name="content" rules={[{ required: true, whitespace: true, message: '请填写诉求内容' }]}>
              <Input.TextArea rows={5} maxLength={10000} showCount placeholder="记录市民反映的问题、时间、地点和诉求" />
            </Form.Item>
            <Form.Item label="地址" name="address">
              <Input maxLength={500} placeholder="问题发生地点，如 东湖街道幸福里小区3号楼" />
            </Form.Item>
            <Space wrap>
              <Form.Item name="anonymous" valuePropName="checked" noStyle>
                <Checkbox>市民要求匿名</Checkbox>
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={busy}>
                登记工单
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setError(undefined);
                }}
              >
                清空
              </Button>
            </Space>
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Card
            title="智能分派建议"
            size="small"
            extra={
              adviceChangesForm && (
                <Button size="small" onClick={applyAdvice}>
                  采用建议的类型、紧急程度和区域
                </Button>
              )
            }
          >
            <RoutingAdvicePanel advice={advice} loading={adviceLoading} error={adviceError} />
          </Card>
          <Card title="知识库参考" size="small">
            <KnowledgeSuggestions text={`${title} ${content}`} />
          </Card>
        </Space>
      </Col>
    </Row>
  );
}
