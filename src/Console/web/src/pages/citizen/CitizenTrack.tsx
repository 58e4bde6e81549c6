import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, Descriptions, Form, Input, Tag, Timeline, Typography } from 'antd';
import { ApiError } from '../../api/http';
import { formatTime } from '../../components/format';
import { useCitizenTitle } from './CitizenLayout';
import { retryAfterSeconds, trackTicket, type PublicTicket } from './citizenApi';
import { useRetryCountdown } from './useRetryCountdown';

interface TrackValues {
  code: string;
  phone: string;
}

// Colours of the state tag: open (blue), answered (green), refused or sent elsewhere (default). The tag's text is the state.
const stateColor: Record<string, string> = {
  Replied: 'green',
  DirectlyAnswered: 'green',
  CalledBack: 'green',
  Closed: 'green',
  NotAccepted: 'default',
  Transferred: 'default',
  Merged: 'default',
};

/**
 * Track a request by its tracking code and the phone number it was submitted with: the state, the reply deadline, the handling
 * department, the public reply and the milestones. The code may arrive in the address (?code=, from the submission page or the
 * SMS link); the phone number never goes into the address.
 */
export default function CitizenTrack() {
  useCitizenTitle('查询办理进度');
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<TrackValues>();
  const [ticket, setTicket] = useState<PublicTicket | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [waitSeconds, startWait] = useRetryCountdown();
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const presetCode = params.get('code') ?? '';

  useEffect(() => {
    if (ticket) resultHeading.current?.focus();
  }, [ticket]);

  async function track(values: TrackValues) {
    setLoading(true);
    setError(null);
    try {
      const found = await trackTicket(values.code, values.phone);
      setTicket(found);
      if (params.get('code') !== found.trackingCode) setParams({ code: found.trackingCode }, { replace: true });
    } catch (e) {
      setTicket(null);
      const wait = retryAfterSeconds(e);
      if (wait) startWait(wait);
      setError(e instanceof ApiError ? e.summary : '查询失败，请稍后重试。');
    } finally {
      setLoading(false);
    }
  }

  return (
    <>
      <Typography.Title level={1} className="citizen-page-title">
        查询办理进度
      </Typography.Title>
      <p>请输入提交诉求后得到的查询码，以及提交时填写的联系电话。</p>
      <div className="citizen-card">
        <Form<TrackValues> form={form} name="citizen-track" layout="vertical" initialValues={{ code: presetCode }} onFinish={track}>
          <Form.Item
            name="code"
            label="查询码"
            rules={[
              { required: true, whitespace: true, message: '请填写查询码' },
              { max: 16, message: '查询码不超过 16 位，请核对' },
            ]}
            normalize={(v: string) => v?.toUpperCase()}
          >
            <Input autoComplete="off" autoCapitalize="characters" spellCheck={false} maxLength={16} placeholder="例如：K7M2Q9" />
          </Form.Item>
          <Form.Item name="phone" label="联系电话" rules={[{ required: true, whitespace: true, message: '请填写提交诉求时的联系电话' }]}>
            <Input inputMode="tel" autoComplete="tel" maxLength={40} placeholder="例如：13812345678" />
          </Form.Item>
          {error && (
            <Alert
              type="error"
              showIcon
              role="alert"
              style={{ marginBottom: 16 }}
              title="没有查到"
              description={waitSeconds > 0 ? `${error}（${waitSeconds} 秒后可再次查询）` : error}
              data-testid="track-error"
            />
          )}
          <Button type="primary" htmlType="submit" size="large" loading={loading} disabled={waitSeconds > 0} block>
            {waitSeconds > 0 ? `请 ${waitSeconds} 秒后再查询` : '查询'}
          </Button>
        </Form>
      </div>
      {ticket && <TicketProgress ticket={ticket} headingRef={resultHeading} onRefresh={() => form.submit()} refreshing={loading} />}
    </>
  );
}

function TicketProgress({
  ticket,
  headingRef,
  onRefresh,
  refreshing,
}: {
  ticket: PublicTicket;
  headingRef: React.Ref<HTMLHeadingElement>;
  onRefresh: () => void;
  refreshing: boolean;
}) {
  const answered = ticket.reply !== null;
  return (
    <section className="citizen-card" aria-labelledby="citizen-track-result" data-testid="track-result">
      <h2 id="citizen-track-result" ref={headingRef} tabIndex={-1} style={{ fontSize: '1.25em', marginTop: 0 }}>
        工单 {ticket.trackingCode}{' '}
        <Tag color={stateColor[ticket.state] ?? 'blue'} data-testid="track-state" style={{ fontSize: '0.85em', verticalAlign: 'middle' }}>
          {ticket.stateLabel}
        </Tag>
      </h2>
      <Descriptions
        column={1}
        size="small"
        bordered
        styles={{ label: { width: '7em', color: 'rgba(0,0,0,0.78)' } }}
        items={[
          { key: 'title', label: '标题', children: ticket.title },
          { key: 'type', label: '诉求类型', children: ticket.type },
          { key: 'received', label: '受理时间', children: formatTime(ticket.receivedAt) },
          { key: 'department', label: '承办单位', children: ticket.handlingDepartment ?? '正在确定承办单位' },
          ...(ticket.replyDue ? [{ key: 'due', label: '答复期限', children: `${formatTime(ticket.replyDue)} 前` }] : []),
          ...(ticket.repliedAt ? [{ key: 'replied', label: '答复时间', children: formatTime(ticket.repliedAt) }] : []),
          ...(ticket.closedAt ? [{ key: 'closed', label: '办结时间', children: formatTime(ticket.closedAt) }] : []),
        ]}
      />
      {answered && (
        <>
          <h3 style={{ fontSize: '1.05em', marginTop: 20 }}>答复内容</h3>
          <div className="citizen-reply" data-testid="track-reply">
            {ticket.reply}
          </div>
          <p className="citizen-muted" style={{ marginTop: 8 }}>
            对办理结果有意见，请通过答复短信中的评价链接评价，或直接回复短信数字 1–5（5 非常满意，1 非常不满意）。
          </p>
        </>
      )}
      <h3 style={{ fontSize: '1.05em', marginTop: 20 }}>办理进度</h3>
      {ticket.progress.length === 0 ? (
        <p className="citizen-muted">暂无办理记录。</p>
      ) : (
        <Timeline
          data-testid="track-progress"
          items={[...ticket.progress].reverse().map((m, i) => ({
            key: `${m.at}-${i}`,
            color: i === 0 ? 'blue' : 'gray',
            content: (
              <div>
                <strong>{m.label}</strong>
                <div className="citizen-muted">{formatTime(m.at)}</div>
                {m.text && <div style={{ whiteSpace: 'pre-wrap' }}>{m.text}</div>}
              </div>
            ),
          }))}
        />
      )}
      <Button onClick={onRefresh} loading={refreshing}>
        刷新进度
      </Button>
    </section>
  );
}
