import { Typography } from 'antd';

// Placeholder until this page is built.
export default function StaffPage() {
  return <Typography.Title level={2}>人员账号</Typography.Title>;
}
