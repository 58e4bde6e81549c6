import { Typography } from 'antd';

// Placeholder until this page is built.
export default function CataloguePage() {
  return <Typography.Title level={2}>派单目录</Typography.Title>;
}
