import { Typography } from 'antd';

// Placeholder until this page is built.
export default function DepartmentRectifications() {
  return <Typography.Title level={2}>整改任务</Typography.Title>;
}
