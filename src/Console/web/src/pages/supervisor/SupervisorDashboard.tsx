import { Typography } from 'antd';

// Placeholder until this page is built.
export default function SupervisorDashboard() {
  return <Typography.Title level={2}>监督看板</Typography.Title>;
}
