import { useEffect, useState } from 'react';
import { Tag, Tooltip } from 'antd';
import type { Deadline } from '../api/types';
import { describeRemaining, formatTime } from './format';

/** A deadline as a coloured tag that counts down every 30 seconds; met and missed deadlines show their outcome. */
export function Countdown({ label, deadline }: { label: string; deadline: Deadline | null | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 30000);
    return () => window.clearInterval(timer);
  }, []);
  if (!deadline) return null;
  // Statuses from the host (TicketViews.Deadline): running, overdue (still open, past due), met, late, closed.
  const running = deadline.status === 'running' || deadline.status === 'overdue';
  if (!running) {
    return (
      <Tooltip title={`${label}期限 ${formatTime(deadline.due)}`}>
        <Tag color={deadline.status === 'late' ? 'red' : deadline.status === 'met' ? 'green' : 'default'}>
          {label}：{deadline.statusLabel}
        </Tag>
      </Tooltip>
    );
  }
  const remaining = describeRemaining(deadline.due, now);
  // The host's word that a deadline passed wins over this browser's clock (which may run behind the server's).
  const overdue = remaining.overdue || deadline.status === 'overdue';
  const color = overdue ? 'red' : remaining.minutesLeft < 240 ? 'orange' : 'green';
  return (
    <Tooltip title={`${label}期限 ${formatTime(deadline.due)}`}>
      <Tag color={color}>
        {label}：{overdue && !remaining.overdue ? deadline.statusLabel : remaining.text}
      </Tag>
    </Tooltip>
  );
}
