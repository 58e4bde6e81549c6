import { Typography } from 'antd';

// Placeholder until this page is built.
export default function AgentWorkspace() {
  return <Typography.Title level={2}>话务工作台</Typography.Title>;
}
