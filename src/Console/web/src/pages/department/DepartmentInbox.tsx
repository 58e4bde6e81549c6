import { Typography } from 'antd';

// Placeholder until this page is built.
export default function DepartmentInbox() {
  return <Typography.Title level={2}>承办工单</Typography.Title>;
}
