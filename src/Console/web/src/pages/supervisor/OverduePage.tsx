import { Typography } from 'antd';

// Placeholder until this page is built.
export default function OverduePage() {
  return <Typography.Title level={2}>超时与催办</Typography.Title>;
}
