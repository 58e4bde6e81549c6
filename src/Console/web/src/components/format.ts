import dayjs from 'dayjs';

export function formatTime(value: string | null | undefined): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '—';
}

/** "还剩 2小时15分" / "已超时 1天3小时", for deadline countdowns. */
export function describeRemaining(due: string, now: number = Date.now()): { text: string; overdue: boolean; minutesLeft: number } {
  const minutes = Math.round((dayjs(due).valueOf() - now) / 60000);
  const abs = Math.abs(minutes);
  const days = Math.floor(abs / 1440);
  const hours = Math.floor((abs % 1440) / 60);
  const mins = abs % 60;
  const span = days > 0 ? `${days}天${hours}小时` : hours > 0 ? `${hours}小时${mins}分` : `${mins}分钟`;
  return { text: minutes >= 0 ? `还剩 ${span}` : `已超时 ${span}`, overdue: minutes < 0, minutesLeft: minutes };
}
