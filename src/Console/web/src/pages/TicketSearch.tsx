import { Typography } from 'antd';

// Placeholder until this page is built.
export default function TicketSearch() {
  return <Typography.Title level={2}>工单查询</Typography.Title>;
}
