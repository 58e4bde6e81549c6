#!/usr/bin/env node
// The web console's budgets (issue 6), measured against a running host in Debian's Chromium through playwright-core:
//   (a) the JavaScript the first page (/login) loads, gzipped (each script's bytes compressed with zlib's default level, as a
//       server or proxy compressing on the fly would send them), and
//   (b) the time from navigating to /agent, signed in, until the agent workspace is interactive: the queue table and the ticket
//       form are visible and enabled. Each run is a fresh browser context (an empty cache, as after a deploy); the time is read
//       from the page's own clock (performance.now(), i.e. since navigation started), repeated, median and max printed.
//
//   npm run budget -- [URL] [--user agent] [--password PASSWORD] [--runs 5]
//   URL defaults to $HOTLINE_URL or http://localhost:5080; the password to $HOTLINE_PASSWORD. $HOTLINE_CHROMIUM overrides
//   /usr/bin/chromium.
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    user: { type: 'string', default: 'agent' },
    password: { type: 'string', default: process.env.HOTLINE_PASSWORD },
    runs: { type: 'string', default: '5' },
  },
});
const base = (positionals[0] ?? process.env.HOTLINE_URL ?? 'http://localhost:5080').replace(/\/+$/, '');
const runs = Number(values.runs);
if (!values.password) {
  console.error('需要工作人员密码：npm run budget -- [URL] --user agent --password <密码>（或设置 HOTLINE_PASSWORD）');
  process.exit(2);
}
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs 应为正整数');
  process.exit(2);
}

// The same flags as tests/Console.Tests/Browser/BrowserFixture.cs: the machine's network is closed.
const browser = await chromium.launch({
  executablePath: process.env.HOTLINE_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

try {
  // (a) JavaScript shipped to the first page.
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  const scripts = new Map();
  page.on('response', async (response) => {
    const type = response.request().resourceType();
    const contentType = response.headers()['content-type'] ?? '';
    if (type !== 'script' && !contentType.includes('javascript')) return;
    try {
      const body = await response.body();
      scripts.set(response.url(), { raw: body.length, gzip: gzipSync(body).length });
    } catch {
      // a redirect or aborted response has no body
    }
  });
  const first = await page.goto('/login', { waitUntil: 'networkidle' });
  if (!first?.ok()) throw new Error(`/login answered ${first?.status()}`);
  await page.getByLabel('用户名').waitFor();
  const raw = [...scripts.values()].reduce((n, s) => n + s.raw, 0);
  const gzip = [...scripts.values()].reduce((n, s) => n + s.gzip, 0);
  console.log(`首屏（/login）加载的 JavaScript：${scripts.size} 个文件，原始 ${kb(raw)}，gzip 后 ${kb(gzip)}（预算 1024 KB）`);
  for (const [url, s] of [...scripts].sort((a, b) => b[1].gzip - a[1].gzip)) {
    console.log(`  ${kb(s.gzip).padStart(9)}  ${new URL(url).pathname}`);
  }
  await context.close();

  // (b) The agent workspace, interactive.
  const times = [];
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ baseURL: base, locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const signIn = await ctx.request.post('/api/auth/login', { data: { userName: values.user, password: values.password } });
    if (!signIn.ok()) throw new Error(`登录失败（${signIn.status()}）：${await signIn.text()}`);
    const p = await ctx.newPage();
    await p.goto('/agent', { waitUntil: 'commit' });
    const ready = await p.waitForFunction(
      () => {
        const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
        const queue = document.querySelector('[data-testid="agent-queue"]');
        const table = queue?.querySelector('table');
        const loading = queue?.querySelector('.ant-spin-spinning');
        const content = document.querySelector('#intake_content');
        const submit = document.querySelector('form#intake button[type="submit"]');
        const ok = visible(table) && !loading && visible(content) && !content.disabled && visible(submit) && !submit.disabled;
        return ok ? performance.now() : false;
      },
      undefined,
      { polling: 'raf', timeout: 30_000 },
    );
    times.push(await ready.jsonValue());
    await ctx.close();
  }
  const shown = times.map((t) => `${Math.round(t)}`).join('、');
  console.log(`话务工作台可操作用时（${runs} 次，毫秒）：${shown}；中位数 ${Math.round(median(times))} ms，最大 ${Math.round(Math.max(...times))} ms（预算 2000 ms）`);
} finally {
  await browser.close();
}
