import { Button, Empty, Modal, Space, Table, Tag, Typography } from 'antd';
import type { CallRingingData, LiveEvent } from '../../api/types';
import { formatTime } from '../../components/format';

/**
 * The screen pop (来电弹屏): a ringing call with the caller's number masked and their earlier tickets. Answering it opens the
 * ticket form for that call; several calls ringing at once queue up, newest last.
 */
export function ScreenPop({
  calls,
  onAnswer,
  onDismiss,
  onOpenTicket,
}: {
  calls: LiveEvent<CallRingingData>[];
  onAnswer: (call: CallRingingData) => void;
  onDismiss: (call: CallRingingData) => void;
  onOpenTicket: (ticketId: string) => void;
}) {
  const current = calls[0];
  if (!current) return null;
  const call = current.data;
  return (
    <Modal
      open
      title={
        <Space>
          <span>来电 {call.maskedPhone}</span>
          {calls.length > 1 && <Tag color="orange">另有 {calls.length - 1} 个来电等待</Tag>}
        </Space>
      }
      onCancel={() => onDismiss(call)}
      width={720}
      footer={[
        <Button key="later" onClick={() => onDismiss(call)}>
          稍后处理
        </Button>,
        <Button key="answer" type="primary" onClick={() => onAnswer(call)} autoFocus>
          接听并登记
        </Button>,
      ]}
    >
      <div data-testid="screen-pop">
        <Typography.Paragraph type="secondary">
          {formatTime(current.at)} 来电。{call.history.length > 0 ? `该号码此前反映过 ${call.history.length} 件诉求：` : ''}
        </Typography.Paragraph>
        {call.history.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={call.maskedPhone === '未显示号码' ? '未显示号码，无法查询历史诉求' : '该号码没有历史工单'} />
        ) : (
          <Table
            size="small"
            rowKey="ticketId"
            pagination={false}
            dataSource={call.history}
            columns={[
              {
                title: '工单编号',
                dataIndex: 'trackingCode',
                render: (code: string, row) => (
                  <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onOpenTicket(row.ticketId)}>
                    {code}
                  </Button>
                ),
              },
              { title: '标题', dataIndex: 'title', ellipsis: true },
              { title: '状态', dataIndex: 'stateLabel', render: (label: string) => <Tag>{label}</Tag> },
              { title: '受理时间', dataIndex: 'receivedAt', render: (v: string) => formatTime(v) },
            ]}
          />
        )}
      </div>
    </Modal>
  );
}
