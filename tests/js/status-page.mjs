// Opens the gateway's status page in Debian's headless Chromium (playwright-core, no downloaded browser).
// Usage: node status-page.mjs <page URL with #token=…> <messages URL> <token> <model> <screenshot path>
// Loads the page, sends one request to the gateway, waits for the page's live counters to show it,
// saves a screenshot, and prints one JSON object with what the browser saw and every response it got.
import { chromium } from 'playwright-core';

const [, , pageUrl, messagesUrl, token, model, screenshot] = process.argv;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const seen = { requests: [], consoleErrors: [] };
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // The first navigation carries no token (browsers cannot add a header to it), so its 401 notice is expected.
  page.on('console', (message) => {
    if (message.type() === 'error' && !(message.text().includes('status of 401') && message.location().url.split('#')[0] === pageUrl.split('#')[0])) seen.consoleErrors.push(message.text() + ' @' + JSON.stringify(message.location()));
  });
  page.on('pageerror', (error) => seen.consoleErrors.push(String(error)));
  page.on('response', async (response) => {
    const request = response.request();
    let body = '';
    try { body = await response.text(); } catch { body = ''; }
    seen.requests.push({ url: request.url(), method: request.method(), headers: await request.allHeaders(), status: response.status(), body });
  });
  await page.goto(pageUrl);
  await page.waitForSelector('#main tr[data-provider]', { timeout: 10000 });
  await page.waitForFunction(() => document.getElementById('live').className === 'ok', null, { timeout: 10000 });
  const before = {
    total: await page.textContent('#total-requests'),
    providers: await page.$$eval('tr[data-provider]', (rows) => rows.map((r) => r.dataset.provider)),
    aliases: await page.$$eval('tr[data-alias]', (rows) => rows.map((r) => r.dataset.alias)),
    slots: await page.$$eval('tr[data-slot]', (rows) => rows.map((r) => r.dataset.slot)),
    addressBar: page.url(),
  };
  const reply = await fetch(messagesUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': token, 'x-claude-code-session-id': 'browser-test-session' },
    body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await reply.text();
  await page.waitForFunction((alias) => {
    const cell = document.querySelector(`tr[data-model-counters="${alias}"] [data-field="requests"]`);
    return cell && cell.textContent === '1';
  }, model, { timeout: 10000 });
  const after = {
    total: await page.textContent('#total-requests'),
    modelRequests: await page.textContent(`tr[data-model-counters="${model}"] [data-field="requests"]`),
    sessions: await page.$$eval('tr[data-session-counters]', (rows) => rows.map((r) => r.dataset.sessionCounters)),
    recentRows: await page.$$eval('#recent tr.request', (rows) => rows.map((r) => r.textContent)),
    live: await page.textContent('#live'),
  };
  seen.consoleErrorsBeforeScreenshot = [...seen.consoleErrors];
  // caret: 'initial' keeps Playwright from injecting a <style> that the page's CSP (rightly) refuses.
  await page.screenshot({ path: screenshot, fullPage: true, caret: 'initial', animations: 'allow' });
  const html = await page.content();

  // The same page without JavaScript and without the token: only the notice, no data.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const staticPage = await noScript.newPage();
  const locked = await staticPage.goto(pageUrl.split('#')[0]);
  const lockedView = { status: locked.status(), text: await staticPage.textContent('body'), providerRows: await staticPage.$$eval('tr[data-provider]', (r) => r.length) };

  console.log(JSON.stringify({ before, after, html, lockedView, gatewayStatus: reply.status, ...seen }));
} finally {
  await browser.close();
}
