import { Typography } from 'antd';

// Placeholder until this page is built.
export default function CitizenHome() {
  return <Typography.Title level={2}>市民服务</Typography.Title>;
}
