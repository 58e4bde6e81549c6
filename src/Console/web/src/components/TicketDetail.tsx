import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Alert, Descriptions, Drawer, Empty, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { api, ApiError } from '../api/http';
import type { Ticket, TicketChangedData, TimelineEntry } from '../api/types';
import { useLiveRefresh, useWatchTicket } from '../live/LiveContext';
import { Countdown } from './Countdown';
import { useLatestOnly } from './latestOnly';
import { formatTime } from './format';

/** Loads one ticket and its timeline, and reloads both whenever a live event says the ticket changed. */
export function useTicket(ticketId: string | undefined) {
  const [ticket, setTicket] = useState<Ticket>();
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);

  // A reload started by an earlier event can answer after a later one: only the latest may set the ticket, or the page would
  // act on an old version (and the host refuse the action as a concurrent change).
  const begin = useLatestOnly();
  const reload = useCallback(async () => {
    if (!ticketId) return;
    const latest = begin();
    setLoading(true);
    try {
      const [t, entries] = await Promise.all([
        api.get<Ticket>(`/api/tickets/${ticketId}`),
        api.get<TimelineEntry[]>(`/api/tickets/${ticketId}/timeline`),
      ]);
      if (!latest()) return;
      setTicket(t);
      setTimeline(entries);
      setError(undefined);
    } catch (e) {
      if (latest()) setError(e instanceof ApiError ? e.summary : String(e));
    } finally {
      if (latest()) setLoading(false);
    }
  }, [ticketId, begin]);

  useEffect(() => {
    setTicket(undefined);
    setTimeline([]);
    void reload();
  }, [reload]);
  useWatchTicket(ticketId);
  useLiveRefresh<TicketChangedData>(['TicketChanged'], (e) => e.data.ticketId === ticketId, () => void reload());
  return { ticket, timeline, error, loading, reload };
}

/** The facts of a ticket: who, what, where, state, departments and deadlines. */
export function TicketFacts({ ticket }: { ticket: Ticket }) {
  const citizen = ticket.citizen.anonymous
    ? '匿名'
    : [ticket.citizen.name, ticket.citizen.phone].filter(Boolean).join(' ') || '—';
  return (
    <Descriptions column={1} size="small" bordered>
      <Descriptions.Item label="工单编号">{ticket.trackingCode}</Descriptions.Item>
      <Descriptions.Item label="状态">
        <Space wrap>
          <Tag color="blue">{ticket.stateLabel}</Tag>
          <Tag>{ticket.typeLabel}</Tag>
          {ticket.urgency !== 'Normal' && <Tag color="red">{ticket.urgencyLabel}</Tag>}
          {ticket.urgeCount > 0 && <Tag color="volcano">已催办 {ticket.urgeCount} 次</Tag>}
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label="标题">{ticket.title}</Descriptions.Item>
      <Descriptions.Item label="诉求内容">
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{ticket.content}</Typography.Paragraph>
      </Descriptions.Item>
      {ticket.address && <Descriptions.Item label="地址">{ticket.address}</Descriptions.Item>}
      <Descriptions.Item label="市民">{citizen}</Descriptions.Item>
      <Descriptions.Item label="受理时间">{formatTime(ticket.receivedAt)}</Descriptions.Item>
      <Descriptions.Item label="承办单位">
        {ticket.leadDepartment?.name ?? '—'}
        {ticket.coHandlers.length > 0 && `（协办：${ticket.coHandlers.map((c) => c.name).join('、')}）`}
      </Descriptions.Item>
      <Descriptions.Item label="期限">
        <Space wrap>
          <Countdown label="签收" deadline={ticket.signDeadline} />
          <Countdown label="办结" deadline={ticket.replyDeadline} />
          <Countdown label="退单" deadline={ticket.returnDeadline} />
        </Space>
      </Descriptions.Item>
      {ticket.publicReply && (
        <Descriptions.Item label="答复">
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{ticket.publicReply}</Typography.Paragraph>
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

export function TicketTimeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) return <Empty description="暂无流转记录" />;
  return (
    <Timeline
      items={entries.map((e) => ({
        key: e.sequence,
        children: (
          <div>
            <Typography.Text strong>{e.kindLabel}</Typography.Text>{' '}
            <Typography.Text type="secondary">
              {formatTime(e.at)} · {e.actorName}
            </Typography.Text>
            {(e.note || e.publicText) && (
              <div style={{ whiteSpace: 'pre-wrap' }}>{e.publicText ?? e.note}</div>
            )}
            {/* Both: the public text is what the citizen was told, the note the staff's own (a direct answer's source). */}
            {e.publicText && e.note && <Typography.Text type="secondary">{e.note}</Typography.Text>}
          </div>
        ),
      }))}
    />
  );
}

/** A drawer with a ticket's facts, its timeline and whatever actions the opening page passes for its role. */
export function TicketDrawer({
  ticketId,
  onClose,
  actions,
}: {
  ticketId: string | undefined;
  onClose: () => void;
  actions?: (ticket: Ticket, reload: () => Promise<void>) => ReactNode;
}) {
  const { ticket, timeline, error, loading, reload } = useTicket(ticketId);
  return (
    <Drawer open={!!ticketId} onClose={onClose} size="large" title={ticket ? `工单 ${ticket.trackingCode}` : '工单详情'} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {loading && !ticket && <Spin />}
      {ticket && (
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          {actions?.(ticket, reload)}
          <TicketFacts ticket={ticket} />
          <div>
            <Typography.Title level={5}>流转记录</Typography.Title>
            <TicketTimeline entries={timeline} />
          </div>
        </Space>
      )}
    </Drawer>
  );
}
