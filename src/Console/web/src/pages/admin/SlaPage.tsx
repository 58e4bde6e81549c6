import { Typography } from 'antd';

// Placeholder until this page is built.
export default function SlaPage() {
  return <Typography.Title level={2}>办理时限</Typography.Title>;
}
