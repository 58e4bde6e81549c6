import { Typography } from 'antd';

// Placeholder until this page is built.
export default function DispatcherPage() {
  return <Typography.Title level={2}>派单中心</Typography.Title>;
}
