import type { FormInstance } from 'antd';
import { ApiError } from '../../../api/http';

/** A problem's field errors split into those a form can show beside its inputs and the rest, for an alert above the form. */
export interface SplitProblem {
  fields: { name: string; errors: string[] }[];
  others: string[];
}

/**
 * Reads the RFC 9457 problem's `errors` (field name → messages, as the host's validation writes them) against the fields a form
 * has. Field names are matched case-insensitively and ignore a `$.` JSON-path prefix (what ASP.NET writes for a malformed body);
 * errors for fields the form does not show, and a problem without field errors, end up in `others` with the problem's summary,
 * so no message is ever dropped.
 */
export function splitProblem(error: unknown, formFields: readonly string[]): SplitProblem {
  if (!(error instanceof ApiError)) {
    return { fields: [], others: ['操作失败，请重试。'] };
  }
  const byLower = new Map(formFields.map((f) => [f.toLowerCase(), f]));
  const collected = new Map<string, string[]>();
  const others: string[] = [];
  for (const [key, messages] of Object.entries(error.problem.errors ?? {})) {
    const list = Array.isArray(messages) ? messages.map(String) : [String(messages)];
    const field = byLower.get(key.replace(/^\$\./, '').toLowerCase());
    if (field) collected.set(field, [...(collected.get(field) ?? []), ...list]);
    else others.push(...list);
  }
  const fields = [...collected].map(([name, errors]) => ({ name, errors }));
  if (fields.length === 0 && others.length === 0) {
    return { fields, others: [error.summary] };
  }
  // The general sentence ("请求中有字段不符合要求…") only helps when some message has no field to stand beside.
  const head = [error.problem.title, others.length > 0 ? error.problem.detail : undefined].filter((t): t is string => !!t);
  return { fields, others: others.length > 0 ? [...new Set([...head, ...others])] : [] };
}

/**
 * Shows a failed save on an antd form: each field error beside its input, the rest returned for an alert. Returns the lines for
 * the alert (empty when every message found its field).
 */
export function showProblemOnForm(form: FormInstance, error: unknown, formFields: readonly string[]): string[] {
  const split = splitProblem(error, formFields);
  form.setFields(split.fields.map((f) => ({ name: f.name, errors: f.errors })));
  if (split.fields.length > 0) {
    form.scrollToField(split.fields[0].name, { block: 'center' });
  }
  return split.others;
}
