import { useEffect, useState } from 'react';
import { api, ApiError } from '../../api/http';
import type { Ticket } from '../../api/types';
import { useReference, type Reference } from './reference';
import type { RecordedDecision, RoutingAdvice } from './types';

/** Where the engine would send a ticket, best first, whichever way it was learnt. */
export interface Suggestion {
  reason: string | null;
  /** Null: no model was asked (the suggestion comes from the catalogue or similar cases). */
  confidence: number | null;
  /** The engine dispatched it itself (recorded decisions only). */
  automatic: boolean;
  /** Recorded on the ticket when it was registered, or asked for now from its text. */
  recorded: boolean;
  /** The category goes with a one-click dispatch, so the ticket is filed where it was sent (not under a category the agent or
   *  a hint gave it, which the correction learnt from the dispatch would otherwise take for the dispatcher's word). */
  options: { label: string; categoryId: string | null; departmentId: string | null; departmentName: string | null; probability: number | null }[];
}

export function fromAdvice(advice: RoutingAdvice): Suggestion {
  return {
    reason: advice.reason,
    confidence: advice.confidence,
    automatic: false,
    recorded: false,
    options: advice.suggestions.map((s) => ({
      label: s.label,
      categoryId: s.categoryId,
      departmentId: s.departmentId,
      departmentName: s.departmentName,
      probability: s.probability,
    })),
  };
}

/**
 * A recorded decision names the chosen department and, since 2026-11-23, each runner-up's: where the engine would have sent
 * the ticket in that category (the area's unit for a street matter). An older decision names only the runners-up's categories,
 * which then go to their usual departments. A department switched off since is offered to no one.
 */
export function fromDecision(recorded: RecordedDecision, reference: Reference | undefined): Suggestion {
  const d = recorded.decision;
  const byName = new Map((reference?.categories ?? []).map((c) => [c.name, c]));
  const switchedOff = new Set((reference?.departments ?? []).filter((x) => !x.active).map((x) => x.id));
  const open = (id: string | null | undefined) => (id && !switchedOff.has(id) ? id : null);
  const option = (label: string, department: string | null | undefined, probability: number | null) => {
    const departmentId = open(department);
    const categoryId = byName.get(label)?.id ?? (label === d.label ? d.categoryId : null);
    return { label, categoryId, departmentId, departmentName: reference?.departmentName(departmentId) ?? departmentId, probability };
  };
  const options = d.top.map((t, i) => {
    const label = t.Label ?? t.label ?? '';
    const department = i === 0 && label === d.label ? d.department : t.department !== undefined ? t.department : byName.get(label)?.defaultDepartmentId;
    return option(label, department, t.probability);
  });
  if (options.length === 0 || options[0].label !== d.label) {
    options.unshift(option(d.label, d.department, d.confidence));
  }
  return { reason: recorded.reason, confidence: d.confidence, automatic: d.automatic, recorded: true, options };
}

/**
 * The suggestion for a ticket: the decision recorded on it (GET /api/tickets/{id}/routing) when it has been classified, else
 * the advice the form already had, else fresh advice for its text. Asked again whenever the ticket's version changes (it may
 * have been classified since).
 */
export function useTicketSuggestion(ticket: Ticket, advice?: RoutingAdvice) {
  const reference = useReference();
  const [recorded, setRecorded] = useState<RecordedDecision>();
  const [fresh, setFresh] = useState<RoutingAdvice>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const { id, version } = ticket;

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    (async () => {
      try {
        const decision = await api.get<RecordedDecision>(`/api/tickets/${id}/routing`);
        if (!cancelled) {
          setRecorded(decision);
          setError(undefined);
        }
      } catch (e) {
        if (cancelled) return;
        if (!(e instanceof ApiError && e.status === 404)) {
          setError(e instanceof ApiError ? e.summary : String(e));
        } else if (!advice) {
          try {
            const answer = await api.post<RoutingAdvice>('/api/routing/suggest', {
              title: ticket.title,
              content: ticket.content,
              areaId: ticket.areaId ?? undefined,
              address: ticket.address ?? undefined,
              // Not yet classified, so any category it has is the agent's: the advice then shows the hold that causes.
              categoryId: ticket.categoryId ?? undefined,
            });
            if (!cancelled) setFresh(answer);
          } catch (e2) {
            if (!cancelled) setError(e2 instanceof ApiError ? e2.summary : String(e2));
          }
        }
      } finally {
        if (!cancelled) setLoading(false);
      }
    })();
    return () => {
      cancelled = true;
    };
    // The ticket's text never changes; its version says it may have been classified since.
  }, [id, version]);

  const suggestion = recorded ? fromDecision(recorded, reference) : advice ? fromAdvice(advice) : fresh ? fromAdvice(fresh) : undefined;
  return { suggestion, loading, error };
}
