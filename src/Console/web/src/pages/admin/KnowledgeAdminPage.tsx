import { Typography } from 'antd';

// Placeholder until this page is built.
export default function KnowledgeAdminPage() {
  return <Typography.Title level={2}>知识库管理</Typography.Title>;
}
