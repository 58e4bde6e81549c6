import { Typography } from 'antd';

// Placeholder until this page is built.
export default function DepartmentsPage() {
  return <Typography.Title level={2}>单位管理</Typography.Title>;
}
