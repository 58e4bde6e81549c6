import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { decodeEntities, parseHighlight } from './highlight';
import { HighlightedText } from './HighlightedText';

describe('parseHighlight', () => {
  it('marks what the host put in <em> and decodes the escaped text around it', () => {
    expect(parseHighlight('携带<em>身份证</em>到 A &amp; B &lt;便民&gt;中心')).toEqual([
      { text: '携带', marked: false },
      { text: '身份证', marked: true },
      { text: '到 A & B <便民>中心', marked: false },
    ]);
  });

  it('accepts <mark> as well', () => {
    expect(parseHighlight('<mark>停水</mark>了')).toEqual([
      { text: '停水', marked: true },
      { text: '了', marked: false },
    ]);
  });

  it('decodes numeric references but leaves unknown ones as written', () => {
    expect(decodeEntities('&#39;&#x27;&#20013;&bogus;')).toBe("''中&bogus;");
  });
});

describe('HighlightedText', () => {
  it('never renders markup from the text: escaped or raw tags stay visible text, only the matches become <mark>', () => {
    const fragment =
      '&lt;script&gt;alert(1)&lt;/script&gt; <img src=x onerror="alert(2)"> <em class="x">不是标记</em> <b>粗</b> <em>路灯</em>';
    const { container } = render(<HighlightedText fragment={fragment} />);
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('em')).toBeNull();
    const marks = [...container.querySelectorAll('mark')].map((m) => m.textContent);
    expect(marks).toEqual(['路灯']);
    expect(container.textContent).toContain('<script>alert(1)</script>');
    expect(container.textContent).toContain('<img src=x onerror="alert(2)">');
    expect(container.textContent).toContain('<em class="x">不是标记</em>');
  });
});
