import { Typography } from 'antd';

// Placeholder until this page is built.
export default function KnowledgeSearch() {
  return <Typography.Title level={2}>知识库</Typography.Title>;
}
