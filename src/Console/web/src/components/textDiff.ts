// What changed between two versions of a text, for an editor reading an article's history. Chinese has no spaces, so the unit is
// the character (a changed 5 个工作日 → 3 个工作日 shows one digit struck out and one added, not a whole sentence); a pair of long
// texts that differ throughout is compared line by line instead, which keeps the table a few million cells at most.

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Above this many table cells (characters before × characters after), lines are compared instead of characters. */
const maxCells = 4_000_000;

export function diffText(before: string, after: string): DiffPart[] {
  // Code points, not UTF-16 units: two emoji share their first unit, and a diff must never split one.
  const a = Array.from(before);
  const b = Array.from(after);
  // The common start and end cost nothing to find and are most of a typical edit; only the middle needs the table.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const parts: DiffPart[] = [];
  push(parts, 'same', a.slice(0, start).join(''));
  let oldTokens = a.slice(start, a.length - end);
  let newTokens = b.slice(start, b.length - end);
  if (oldTokens.length * newTokens.length > maxCells) {
    oldTokens = lines(oldTokens.join(''));
    newTokens = lines(newTokens.join(''));
  }
  if (oldTokens.length * newTokens.length > maxCells) {
    push(parts, 'removed', oldTokens.join(''));
    push(parts, 'added', newTokens.join(''));
  } else {
    for (const part of commonSubsequence(oldTokens, newTokens)) push(parts, part.kind, part.text);
  }
  push(parts, 'same', a.slice(a.length - end).join(''));
  return parts;
}

/** Lines with their line breaks, so joining the tokens gives the text back. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function push(parts: DiffPart[], kind: DiffPart['kind'], text: string) {
  if (!text) return;
  const last = parts[parts.length - 1];
  if (last?.kind === kind) last.text += text;
  else parts.push({ kind, text });
}

/** The classic longest-common-subsequence table, walked from the start; removals are listed before additions at each change. */
function commonSubsequence(a: string[], b: string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  // lengths[i * (m + 1) + j]: the longest common subsequence of a[i..] and b[j..].
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] =
        a[i] === b[j] ? lengths[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lengths[(i + 1) * (m + 1) + j], lengths[i * (m + 1) + j + 1]);
    }
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      push(parts, 'same', a[i++]);
      j++;
    } else if (j >= m || (i < n && lengths[(i + 1) * (m + 1) + j] >= lengths[i * (m + 1) + j + 1])) {
      push(parts, 'removed', a[i++]);
    } else {
      push(parts, 'added', b[j++]);
    }
  }
  return parts;
}
