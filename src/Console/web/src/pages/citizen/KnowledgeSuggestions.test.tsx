import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { KnowledgeSuggestions } from './KnowledgeSuggestions';

afterEach(() => vi.unstubAllGlobals());

const hit = {
  id: '0193a000-0000-7000-8000-000000000001',
  title: '停水怎么办',
  category: '城乡建设',
  highlights: { title: ['<em>停水</em>怎么办'], body: ['计划<em>停水</em>会提前公告 &lt;b&gt;'] },
};

describe('KnowledgeSuggestions', () => {
  it('searches once for what was typed last, after the citizen pauses, and shows the hits with their matches marked', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify([hit]), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    const { rerender, container } = render(<KnowledgeSuggestions text="停" />);
    rerender(<KnowledgeSuggestions text="停水" />);
    rerender(<KnowledgeSuggestions text="停水了" />);
    await screen.findByText('也许这些能解答您的问题', { exact: false }, { timeout: 5000 });
    expect(urls).toHaveLength(1);
    expect(decodeURIComponent(urls[0])).toContain('q=停水了');
    expect(container.querySelector('mark')?.textContent).toBe('停水');
    expect(container.querySelector('b')).toBeNull();
    expect(container.textContent).toContain('计划停水会提前公告 <b>');
  });

  it('shows nothing for a single character and says so quietly when the search fails', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ title: '知识检索暂不可用' }), { status: 503, headers: { 'Content-Type': 'application/problem+json' } }));
    vi.stubGlobal('fetch', fetch);
    vi.useFakeTimers();
    const { rerender } = render(<KnowledgeSuggestions text="水" />);
    vi.advanceTimersByTime(5000);
    expect(fetch).not.toHaveBeenCalled();
    vi.useRealTimers();
    rerender(<KnowledgeSuggestions text="停水" />);
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('暂时无法检索常见问题'), { timeout: 5000 });
  });
});
