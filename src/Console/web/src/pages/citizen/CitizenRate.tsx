import { Typography } from 'antd';

// Placeholder until this page is built.
export default function CitizenRate() {
  return <Typography.Title level={2}>服务评价</Typography.Title>;
}
