import { describe, expect, it } from 'vitest';
import { heldBackReason } from './RoutingModelsPage';
import type { RoutingModel } from './shared/types';

const model = (macroF1: number, dispatchShare: number): RoutingModel => ({
  version: `v${macroF1}-${dispatchShare}`,
  createdAt: '2026-11-22T08:00:00Z',
  examples: 7393,
  threshold: 0.94,
  accuracy: 0.88,
  macroF1,
  dispatchShare,
  active: false,
});

describe('heldBackReason', () => {
  const inUse = { ...model(0.883, 0.571), active: true };

  it('names the figures in which a newer version is lower than the one in use', () => {
    expect(heldBackReason(model(0.85, 0.571), inUse)).toMatch(/^比使用中的版本宏平均 F1 低 0\.033。/);
    expect(heldBackReason(model(0.9, 0.5), inUse)).toMatch(/^比使用中的版本自动派单比例低 7\.1 个百分点。/);
    expect(heldBackReason(model(0.85, 0.5), inUse)).toMatch(/^比使用中的版本宏平均 F1 低 0\.033，自动派单比例低 7\.1 个百分点。/);
  });

  it('gives the reason the server stored when there is one', () => {
    const held = { ...model(0.85, 0.5), heldBackReason: '定时训练未启用：宏平均 F1 0.850，比使用中的 abc（0.883）低 0.033，超过允许的 0.020。' };
    expect(heldBackReason(held, inUse)).toBe(held.heldBackReason);
    expect(heldBackReason({ ...held, heldBackReason: null }, inUse)).toMatch(/^比使用中的版本宏平均 F1 低 0\.033/);
  });

  it('says a version no worse than the one in use was switched off', () => {
    expect(heldBackReason(model(0.883, 0.571), inUse)).toContain('曾被停用');
    expect(heldBackReason(model(0.9, 0.6), inUse)).toContain('曾被停用');
  });
});
