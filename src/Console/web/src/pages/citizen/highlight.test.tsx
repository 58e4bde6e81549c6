import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { Highlight, decodeEntities, parseHighlight } from './highlight';

describe('highlight fragments', () => {
  it('marks what the host put in <em> and keeps the rest as text', () => {
    expect(parseHighlight('…办理<em>居住</em><em>证</em>需要带<em>身份证</em>')).toEqual([
      { text: '…办理', marked: false },
      { text: '居住证', marked: true },
      { text: '需要带', marked: false },
      { text: '身份证', marked: true },
    ]);
  });

  it('decodes the host’s escaping, so escaped markup reads as the characters the author wrote', () => {
    expect(decodeEntities('a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; &#233; &#x4E2D;')).toBe('a <b> & "c" \'d\' é 中');
    expect(decodeEntities('&unknown; &#0; &#xFFFFFFF;')).toBe('&unknown; &#0; &#xFFFFFFF;');
  });

  it('renders no markup but <mark>, whatever the fragment holds', () => {
    const hostile = '&lt;img src=x onerror=alert(1)&gt;<em>停水</em><script>alert(2)</script><b>粗</b>';
    const { container } = render(<Highlight fragment={hostile} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelectorAll('mark')).toHaveLength(1);
    expect(container.querySelector('mark')!.textContent).toBe('停水');
    expect(container.textContent).toBe('<img src=x onerror=alert(1)>停水<script>alert(2)</script><b>粗</b>');
  });
});
