import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, Button, Descriptions, Form, Input, Radio, Result, Spin, Typography } from 'antd';
import { ApiError } from '../../api/http';
import { formatTime } from '../../components/format';
import { useCitizenTitle } from './CitizenLayout';
import { rate, readRating, retryAfterSeconds, type RatingReceipt, type RatingTarget } from './citizenApi';
import { useRetryCountdown } from './useRetryCountdown';

interface RateValues {
  level: number;
  efficiency?: number;
  attitude?: number;
  result?: number;
  comment?: string;
}

// The optional dimensions citizens may rate besides the overall level (Feedback's RatingService.DimensionNames, less "overall",
// which is the level itself).
const dimensionLabels: Record<string, string> = { efficiency: '办理效率', attitude: '服务态度', result: '办理结果' };

/** Why a link cannot be used, in words a citizen can act on. The host's own detail is shown as well. */
function explain(error: ApiError): { title: string; hint: string } {
  switch (error.status) {
    case 404:
      return { title: '评价链接无效', hint: '请使用短信中的完整链接；复制时不要漏掉字符。' };
    case 422:
      return { title: '评价链接已过期', hint: '评价期限已过，不能再评价。如对办理结果仍有意见，请拨打 12345。' };
    case 409:
      return { title: '这件诉求已经评价过', hint: '每件诉求只能评价一次（一事一评）。如有新的问题，请重新提交诉求。' };
    case 429:
      return { title: '操作过于频繁', hint: '请稍后再试。' };
    default:
      return { title: '暂时无法评价', hint: '请稍后再试，或拨打 12345。' };
  }
}

/** Rate a request from the SMS link: five levels from 非常满意 to 非常不满意, optional dimensions and a comment. */
export default function CitizenRate() {
  useCitizenTitle('服务评价');
  const { token = '' } = useParams();
  const [target, setTarget] = useState<RatingTarget | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [receipt, setReceipt] = useState<RatingReceipt | null>(null);
  const [showDimensions, setShowDimensions] = useState(false);
  const [waitSeconds, startWait] = useRetryCountdown();
  const [form] = Form.useForm<RateValues>();
  const level = Form.useWatch('level', form);
  const doneHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let cancelled = false;
    setTarget(null);
    setLoadError(null);
    readRating(token)
      .then((t) => !cancelled && setTarget(t))
      .catch((e) => !cancelled && setLoadError(e instanceof ApiError ? e : new ApiError(0, { title: '读取失败', detail: '请稍后再试。' })));
    return () => {
      cancelled = true;
    };
  }, [token]);

  useEffect(() => {
    if (receipt) doneHeading.current?.focus();
  }, [receipt]);

  async function submit(values: RateValues) {
    setSubmitting(true);
    setSubmitError(null);
    try {
      setReceipt(
        await rate(token, {
          level: values.level,
          efficiency: values.efficiency,
          attitude: values.attitude,
          result: values.result,
          comment: values.comment?.trim() || undefined,
        }),
      );
    } catch (e) {
      const wait = retryAfterSeconds(e);
      if (wait) startWait(wait);
      if (e instanceof ApiError && (e.status === 409 || e.status === 422 || e.status === 404)) {
        setLoadError(e); // the link can no longer be used: say why instead of showing the form again
      } else {
        setSubmitError(e instanceof ApiError ? e.summary : '提交失败，请稍后重试。');
      }
    } finally {
      setSubmitting(false);
    }
  }

  const title = (
    <Typography.Title level={1} className="citizen-page-title">
      服务评价
    </Typography.Title>
  );

  if (loadError) {
    const { title: why, hint } = explain(loadError);
    return (
      <>
        {title}
        <Alert type={loadError.status === 409 ? 'info' : 'warning'} showIcon role="alert" title={why} description={`${loadError.summary} ${hint}`} data-testid="rate-error" />
      </>
    );
  }
  if (!target) {
    return (
      <>
        {title}
        <p>
          <Spin size="small" /> 正在读取评价信息…
        </p>
      </>
    );
  }
  if (receipt) {
    return (
      <div className="citizen-card" data-testid="rate-done">
        <Result
          status="success"
          title={
            <h1 ref={doneHeading} tabIndex={-1} className="citizen-page-title" style={{ fontSize: '1.4em' }}>
              感谢您的评价
            </h1>
          }
          subTitle={
            <div style={{ color: 'rgba(0,0,0,0.78)' }}>
              <p>
                工单 {receipt.trackingCode}：您的评价为「<strong data-testid="rated-level">{receipt.levelLabel}</strong>」，已记录。
              </p>
              {receipt.badReview && <p>我们已将您的意见转交承办单位整改，整改完成后会请您再评价一次。</p>}
            </div>
          }
        />
      </div>
    );
  }

  const summary = (
    <section className="citizen-card" aria-labelledby="citizen-rate-ticket">
      <h2 id="citizen-rate-ticket" style={{ fontSize: '1.15em', marginTop: 0 }}>
        {target.followUp ? '对整改结果再评价' : '您要评价的诉求'}
      </h2>
      <Descriptions
        column={1}
        size="small"
        bordered
        styles={{ label: { width: '7em', color: 'rgba(0,0,0,0.78)' } }}
        items={[
          { key: 'code', label: '查询码', children: target.trackingCode },
          { key: 'title', label: '标题', children: target.title },
          { key: 'type', label: '诉求类型', children: target.type },
          { key: 'department', label: '承办单位', children: target.department ?? '12345 热线' },
          ...(target.repliedAt ? [{ key: 'replied', label: '答复时间', children: formatTime(target.repliedAt) }] : []),
        ]}
      />
      {target.reply && (
        <>
          <h3 style={{ fontSize: '1.05em', marginTop: 16 }}>答复内容</h3>
          <div className="citizen-reply">{target.reply}</div>
        </>
      )}
      {target.rectificationReport && (
        <>
          <h3 style={{ fontSize: '1.05em', marginTop: 16 }}>整改情况</h3>
          <div className="citizen-reply">{target.rectificationReport}</div>
        </>
      )}
    </section>
  );

  if (target.alreadyRated) {
    return (
      <>
        {title}
        <Alert type="info" showIcon title="您已评价过这件诉求" description="每件诉求只能评价一次（一事一评），感谢您的参与。" data-testid="rate-already" style={{ marginBottom: 16 }} />
        {summary}
      </>
    );
  }

  const levelOptions = target.levels.map((l) => ({ value: l.level, label: l.label }));
  return (
    <>
      {title}
      <p>您的评价会记入承办单位的考核；评价“不满意”或“非常不满意”的，承办单位须核实整改。</p>
      {summary}
      <div className="citizen-card">
        <Form<RateValues> form={form} name="citizen-rate" layout="vertical" onFinish={submit}>
          <Form.Item name="level" label="总体满意度" rules={[{ required: true, message: '请选择一个满意度' }]}>
            <Radio.Group className="citizen-levels" aria-label="总体满意度" options={levelOptions} />
          </Form.Item>
          <Button type="link" style={{ padding: 0, marginBottom: 12 }} aria-expanded={showDimensions} aria-controls="citizen-rate-dimensions" onClick={() => setShowDimensions(!showDimensions)}>
            {showDimensions ? '收起分项评价' : '补充分项评价（选填）'}
          </Button>
          <div id="citizen-rate-dimensions" hidden={!showDimensions}>
            {target.dimensions
              .filter((d) => dimensionLabels[d])
              .map((d) => (
                <Form.Item key={d} name={d} label={`${dimensionLabels[d]}（选填）`}>
                  <Radio.Group aria-label={dimensionLabels[d]} options={levelOptions} />
                </Form.Item>
              ))}
          </div>
          <Form.Item
            name="comment"
            label="意见和建议（选填）"
            extra={level !== undefined && level <= 2 ? '请写明不满意的原因，便于承办单位核实整改（不超过 1000 字）。' : '不超过 1000 字。'}
            rules={[{ max: 1000, message: '意见不超过 1000 字' }]}
          >
            <Input.TextArea rows={4} maxLength={1000} />
          </Form.Item>
          {submitError && (
            <Alert
              type="error"
              showIcon
              role="alert"
              style={{ marginBottom: 16 }}
              title="评价未提交"
              description={waitSeconds > 0 ? `${submitError}（${waitSeconds} 秒后可重新提交）` : submitError}
            />
          )}
          <p className="citizen-muted">请在 {formatTime(target.expiresAt)} 前评价，过期后链接失效。</p>
          <Button type="primary" htmlType="submit" size="large" loading={submitting} disabled={waitSeconds > 0} block>
            提交评价
          </Button>
        </Form>
      </div>
    </>
  );
}
