import { useState } from 'react';
import { Alert, Button, Card, Space, Spin, Tag, Typography } from 'antd';
import type { CallRingingData, LiveEvent } from '../../api/types';
import { TicketDrawer, useTicket } from '../../components/TicketDetail';
import { useLiveEvents } from '../../live/LiveContext';
import { AgentQueue } from './AgentQueue';
import { IntakeForm, type IntakePrefill } from './IntakeForm';
import { ScreenPop } from './ScreenPop';
import { TicketActions } from './TicketActions';
import type { RoutingAdvice } from './types';

/** The ticket just registered, with what to do next; it follows the ticket live (the engine may classify or dispatch it). */
function RegisteredTicket({ id, advice, onClose }: { id: string; advice: RoutingAdvice | undefined; onClose: () => void }) {
  const { ticket, reload, error } = useTicket(id);
  return (
    <Card
      size="small"
      data-testid="registered-ticket"
      title={
        <Space>
          <span>刚登记的工单 {ticket?.trackingCode}</span>
          {ticket && <Tag color={ticket.state === 'PendingDispatch' ? 'orange' : 'green'}>{ticket.stateLabel}</Tag>}
        </Space>
      }
      extra={
        <Button size="small" onClick={onClose}>
          关闭
        </Button>
      }
    >
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      {!ticket && !error && <Spin size="small" />}
      {ticket && ticket.state === 'PendingDispatch' && <TicketActions ticket={ticket} reload={reload} advice={advice} />}
      {ticket && ticket.state !== 'PendingDispatch' && (
        <Alert
          type="success"
          showIcon
          title={
            ticket.state === 'Dispatched' ? `已派往「${ticket.leadDepartment?.name ?? ''}」` : ticket.state === 'Merged' ? '已并单' : ticket.stateLabel
          }
          description={ticket.publicReply ? `答复：${ticket.publicReply}` : undefined}
        />
      )}
    </Card>
  );
}

/** 话务工作台: the ticket form with its suggestions, the just-registered ticket, the live queue, and the screen pop. */
export default function AgentWorkspace() {
  const [prefill, setPrefill] = useState<IntakePrefill>();
  const [registered, setRegistered] = useState<{ id: string; advice?: RoutingAdvice }>();
  const [openTicket, setOpenTicket] = useState<string>();
  const [ringing, setRinging] = useState<LiveEvent<CallRingingData>[]>([]);

  useLiveEvents<CallRingingData>(['CallRinging'], (event) =>
    setRinging((calls) => (calls.some((c) => c.data.callSid === event.data.callSid) ? calls : [...calls, event])),
  );
  const dismiss = (call: CallRingingData) => setRinging((calls) => calls.filter((c) => c.data.callSid !== call.callSid));

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        话务工作台
      </Typography.Title>
      {registered && <RegisteredTicket key={registered.id} id={registered.id} advice={registered.advice} onClose={() => setRegistered(undefined)} />}
      <IntakeForm
        prefill={prefill}
        onClearPrefill={() => setPrefill(undefined)}
        onRegistered={(ticket, advice) => setRegistered({ id: ticket.id, advice })}
      />
      <Card title="来件队列" size="small">
        <AgentQueue onOpen={setOpenTicket} onRegisterCall={setPrefill} />
      </Card>
      <TicketDrawer
        ticketId={openTicket}
        onClose={() => setOpenTicket(undefined)}
        actions={(ticket, reload) => <TicketActions ticket={ticket} reload={reload} />}
      />
      <ScreenPop
        calls={ringing}
        onDismiss={dismiss}
        onOpenTicket={setOpenTicket}
        onAnswer={(call) => {
          dismiss(call);
          setPrefill({ callSid: call.callSid, caller: call.maskedPhone });
        }}
      />
    </Space>
  );
}
