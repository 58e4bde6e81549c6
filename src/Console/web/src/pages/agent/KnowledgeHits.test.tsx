import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { useKnowledgeSearch } from './KnowledgeHits';

afterEach(() => vi.unstubAllGlobals());

function Probe({ query }: { query: string }) {
  const { loading } = useKnowledgeSearch(query, 0);
  return <span data-testid="loading">{String(loading)}</span>;
}

describe('useKnowledgeSearch', () => {
  it('stops loading when the text is cleared while a search is still running', async () => {
    const fetch = vi.fn(() => new Promise<Response>(() => {})); // a search that never answers
    vi.stubGlobal('fetch', fetch);
    const { rerender } = render(<Probe query="停水" />);
    await waitFor(() => expect(screen.getByTestId('loading').textContent).toBe('true'));
    expect(fetch).toHaveBeenCalledTimes(1);

    rerender(<Probe query="" />);
    await waitFor(() => expect(screen.getByTestId('loading').textContent).toBe('false'));
  });
});
