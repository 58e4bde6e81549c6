import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Checkbox, Form, Input, Radio, Result, Space, Typography } from 'antd';
import { ApiError } from '../../api/http';
import { useCitizenTitle } from './CitizenLayout';
import {
  fieldErrors,
  keyForAttempt,
  retryAfterSeconds,
  submitTicket,
  ticketTypes,
  type SubmissionFields,
  type SubmissionReceipt,
} from './citizenApi';
import { KnowledgeSuggestions } from './KnowledgeSuggestions';
import { useRetryCountdown } from './useRetryCountdown';

// The host's defaults (Hotline:Attachments); the host decides, these only spare a citizen a refused upload.
const maxFiles = 5;
const maxFileBytes = 10 * 1024 * 1024;
const accepted = '.jpg,.jpeg,.png,.webp,.heic,.pdf,image/jpeg,image/png,image/webp,image/heic,application/pdf';
const formFields = ['content', 'phone', 'name', 'title', 'type', 'address', 'anonymous'] as const;

interface FormValues {
  type: string;
  content: string;
  title?: string;
  phone: string;
  name?: string;
  address?: string;
  anonymous?: boolean;
}

/** Submit a request: the knowledge base first, then the form; after submitting, the tracking code and how to use it. */
export default function CitizenHome() {
  useCitizenTitle('提交诉求');
  const [form] = Form.useForm<FormValues>();
  const navigate = useNavigate();
  const content = Form.useWatch('content', form) ?? '';
  const [files, setFiles] = useState<File[]>([]);
  const [fileError, setFileError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<SubmissionReceipt | null>(null);
  const [waitSeconds, startWait] = useRetryCountdown();
  const attempt = useRef<{ key: string; fingerprint: string } | null>(null);
  const inFlight = useRef(false);
  const resultHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (receipt) resultHeading.current?.focus();
  }, [receipt]);

  function pickFiles(event: ChangeEvent<HTMLInputElement>) {
    const picked = Array.from(event.target.files ?? []);
    event.target.value = '';
    const tooLarge = picked.filter((f) => f.size > maxFileBytes);
    const next = [...files, ...picked.filter((f) => f.size <= maxFileBytes && f.size > 0)].slice(0, maxFiles);
    setFiles(next);
    const problems = [
      ...tooLarge.map((f) => `「${f.name}」超过 10 MB，未添加。`),
      ...(files.length + picked.length - tooLarge.length > maxFiles ? [`最多上传 ${maxFiles} 个文件，多出的未添加。`] : []),
    ];
    setFileError(problems.length > 0 ? problems.join('') : null);
  }

  async function submit(values: FormValues) {
    if (inFlight.current) return; // a second click while the first is on its way: the same request, already sent
    const fields: SubmissionFields = {
      content: values.content,
      phone: values.phone,
      type: values.type,
      title: values.title?.trim() || undefined,
      name: values.name?.trim() || undefined,
      address: values.address?.trim() || undefined,
      anonymous: values.anonymous ?? false,
    };
    const fingerprint = JSON.stringify([fields, files.map((f) => [f.name, f.size, f.lastModified])]);
    attempt.current = keyForAttempt(attempt.current, fingerprint);
    inFlight.current = true;
    setSubmitting(true);
    setError(null);
    try {
      setReceipt(await submitTicket(fields, files, attempt.current.key));
      attempt.current = null;
    } catch (e) {
      const wait = retryAfterSeconds(e);
      if (wait) startWait(wait);
      const byField = fieldErrors(e);
      const known = formFields.filter((f) => byField[f]?.length);
      form.setFields(known.map((name) => ({ name, errors: byField[name] })));
      setError(e instanceof ApiError ? e.summary : '提交失败，请稍后重试。');
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  }

  function startOver() {
    form.resetFields();
    setFiles([]);
    setFileError(null);
    setError(null);
    setReceipt(null);
  }

  if (receipt) {
    return (
      <div className="citizen-card" data-testid="submitted">
        <Result
          status="success"
          title={
            <h1 ref={resultHeading} tabIndex={-1} className="citizen-page-title" style={{ fontSize: '1.4em' }}>
              诉求已提交
            </h1>
          }
          subTitle={
            <div style={{ color: 'rgba(0,0,0,0.78)' }}>
              <p style={{ marginBottom: 4 }}>您的查询码</p>
              <Typography.Text
                className="citizen-tracking-code"
                data-testid="tracking-code"
                copyable={{ text: receipt.trackingCode, tooltips: ['复制查询码', '已复制'] }}
              >
                {receipt.trackingCode}
              </Typography.Text>
              <p>请记下查询码。凭查询码和提交时填写的手机号码，可随时在「查询进度」查看办理情况；承办单位答复后，我们会发短信通知您，并邀请您评价。</p>
            </div>
          }
          extra={
            <Space wrap style={{ justifyContent: 'center' }}>
              <Button
                type="primary"
                href={trackUrl(receipt.trackingCode)}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(trackUrl(receipt.trackingCode));
                }}
              >
                查询办理进度
              </Button>
              <Button onClick={startOver}>再提交一件诉求</Button>
            </Space>
          }
        />
      </div>
    );
  }

  return (
    <>
      <Typography.Title level={1} className="citizen-page-title">
        提交诉求
      </Typography.Title>
      <p>
        咨询政策、反映问题、投诉举报、提出建议，都可以在这里提交。12345 热线受理后转交承办单位办理，提交后您会得到一个查询码。
        已提交过的，请到<Link to="/citizen/track">查询进度</Link>。
      </p>
      <div className="citizen-card">
        <Form<FormValues>
          form={form}
          name="citizen-submit"
          layout="vertical"
          requiredMark
          initialValues={{ type: '咨询', anonymous: false }}
          onFinish={submit}
          scrollToFirstError={{ focus: true }}
        >
          <Form.Item name="type" label="诉求类型" rules={[{ required: true, message: '请选择诉求类型' }]}>
            <Radio.Group aria-label="诉求类型" options={ticketTypes.map((t) => ({ value: t, label: t }))} />
          </Form.Item>
          <Form.Item
            name="content"
            label="诉求内容"
            extra="请写明事情发生的时间、地点和具体情况，以及您希望如何解决。"
            rules={[
              { required: true, whitespace: true, message: '请填写诉求内容' },
              { max: 10000, message: '诉求内容不超过 10000 字' },
            ]}
          >
            <Input.TextArea rows={5} maxLength={10000} placeholder="例如：东湖街道幸福路 12 号门口的路灯坏了一个多月，晚上很黑。" />
          </Form.Item>
          <KnowledgeSuggestions text={content} />
          <Form.Item name="title" label="标题（选填）" rules={[{ max: 200, message: '标题不超过 200 字' }]}>
            <Input maxLength={200} placeholder="不填则取诉求内容的第一句" />
          </Form.Item>
          <Form.Item name="address" label="事发地址（选填）" rules={[{ max: 500, message: '地址不超过 500 字' }]}>
            <Input maxLength={500} autoComplete="street-address" placeholder="例如：城东区东湖街道幸福路 12 号" />
          </Form.Item>
          <Form.Item
            name="phone"
            label="联系电话"
            extra="用于查询进度、接收答复短信和回访，不会公开。"
            rules={[
              { required: true, whitespace: true, message: '请填写联系电话，用于查询进度和回访' },
              { pattern: /^[\s\d+\-()（）－０-９]{7,40}$/, message: '请填写 11 位手机号码或带区号的固定电话' },
            ]}
          >
            <Input inputMode="tel" autoComplete="tel" maxLength={40} placeholder="例如：13812345678" />
          </Form.Item>
          <Form.Item name="name" label="姓名（选填）" rules={[{ max: 50, message: '姓名不超过 50 字' }]}>
            <Input maxLength={50} autoComplete="name" />
          </Form.Item>
          <Form.Item name="anonymous" valuePropName="checked" extra="匿名时，承办单位看不到您的姓名和电话；您仍可凭查询码和电话查询进度。">
            <Checkbox>匿名提交</Checkbox>
          </Form.Item>
          <Form.Item label="照片或 PDF（选填）" htmlFor="citizen-files" extra={`最多 ${maxFiles} 个，每个不超过 10 MB；支持 JPG、PNG、WEBP、HEIC 照片和 PDF。`}>
            <div className="citizen-files">
              <input id="citizen-files" className="citizen-file-input" type="file" multiple accept={accepted} onChange={pickFiles} disabled={files.length >= maxFiles} />
              <label htmlFor="citizen-files" className="citizen-file-button">
                选择文件
              </label>
              <span className="citizen-muted">{files.length > 0 ? `已选 ${files.length} 个` : '未选择文件'}</span>
            </div>
            {files.length > 0 && (
              <ul className="citizen-file-list" aria-label="已选择的文件">
                {files.map((file, i) => (
                  <li key={`${file.name}-${i}`}>
                    <span>
                      {file.name}（{formatSize(file.size)}）
                    </span>
                    <Button size="small" type="link" onClick={() => setFiles(files.filter((_, j) => j !== i))} aria-label={`移除 ${file.name}`}>
                      移除
                    </Button>
                  </li>
                ))}
              </ul>
            )}
            {fileError && (
              <p role="alert" style={{ color: '#a8071a', margin: '6px 0 0' }}>
                {fileError}
              </p>
            )}
          </Form.Item>
          {error && (
            <Alert
              type="error"
              showIcon
              role="alert"
              style={{ marginBottom: 16 }}
              title="提交未成功"
              description={waitSeconds > 0 ? `${error}（${waitSeconds} 秒后可重新提交）` : error}
              data-testid="submit-error"
            />
          )}
          <Button type="primary" htmlType="submit" size="large" loading={submitting} disabled={waitSeconds > 0} block>
            {waitSeconds > 0 ? `请 ${waitSeconds} 秒后再提交` : '提交诉求'}
          </Button>
        </Form>
      </div>
    </>
  );
}

function trackUrl(code: string): string {
  return `/citizen/track?code=${encodeURIComponent(code)}`;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
