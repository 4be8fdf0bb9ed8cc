// 0-6.ac3 "Sample traces visible in Grafana", seen the way a person sees it: where the target runs
// the platform console in Grafana's place (native), a real browser (Debian's chromium) opens the
// console's trace view for a request this check sends to the demo (POST → Kafka → consumer → SSE)
// and reads what the page drew: the request, publish and consume spans as one trace, and the
// request's log lines beside them. The console's endpoint names it as Grafana's stand-in, so a
// pass is `substitute`; the page's screenshot is kept under .platform/screenshots/.
import { isAvailable } from '../../targets/target.ts';
import { defineCheck, type Measurement } from '../../../validation/lib/define-check.ts';
import { http } from '../../../validation/lib/http.ts';
import { launchBrowser, newPage, noBrowserReason, screenshot } from '../../../validation/lib/browser.ts';
import {
  demoChain,
  demoRequest,
  drawnLogLines,
  drawnSpans,
  spansDrawnAt,
  storesHold,
} from '../../../validation/lib/console-pages.ts';

const skip = (reason: string): Measurement => ({ skip: reason });

/**
 * The line the demo writes for one request at INFO: the access line (the per-step lines `event
 * produced` and `event consumed` are at debug since issue 25; see 0-13's logs-check.ts).
 */
const DEMO_LINES = ['request'];

export const consoleTraceView = defineCheck(
  {
    id: '0-6.console-trace-view',
    criteria: ['0-6.ac3'],
    title:
      "A demo request's trace is drawn in the console's trace view (Grafana's stand-in): request, publish and consume spans and its access log line",
    needs: 'console',
    proof: 'live',
  },
  async (consoleEp, ctx): Promise<Measurement> => {
    const ep = ctx.target.endpoints();
    if (!isAvailable(ep.demo)) return skip(ep.demo.unavailable);
    if (!isAvailable(ep.traceQuery)) return skip(ep.traceQuery.unavailable);
    if (!isAvailable(ep.logsql)) return skip(ep.logsql.unavailable);
    // What this check drives must be running: the demo (0-13) and the console (0-4 starts it).
    const demoReady = await http(`${ep.demo.url}/ready`, { timeoutMs: 5_000 }).catch(() => undefined);
    if (demoReady?.status !== 200)
      return skip(
        `the demo service does not answer at ${ep.demo.url}/ready: run \`npx tsx tasks.ts up\` first`,
      );
    const consoleUp = await http(`${consoleEp.url}/api/health`, { timeoutMs: 5_000 }).catch(() => undefined);
    if (consoleUp?.status !== 200)
      return skip(
        `the console does not answer at ${consoleEp.url}/api/health: run \`npx tsx tasks.ts up\` first (0-4 starts it)`,
      );
    const noBrowser = noBrowserReason();
    if (noBrowser) return skip(noBrowser);

    const req = await demoRequest(ep.demo.url);
    if (req.sseTraceId !== req.traceId)
      return {
        problems: [
          `the SSE push carried trace ${req.sseTraceId || '(none)'}, the POST ${req.traceId}: not one trace`,
        ],
      };
    const held = await storesHold({ jaeger: ep.traceQuery.url, logsql: ep.logsql.url }, req.traceId, {
      minSpans: 3,
      minLines: DEMO_LINES.length,
    });
    if (held.spans < 3 || held.lines < DEMO_LINES.length)
      return {
        problems: [
          `the stores are behind: Jaeger holds ${held.spans} spans and VictoriaLogs ${held.lines} lines of ${req.traceId} after 30 s`,
        ],
      };

    const url = `${consoleEp.url}/#/traces/${req.traceId}`;
    const browser = await launchBrowser();
    try {
      const page = await newPage(browser);
      try {
        await page.goto(url);
        const drawnMs = await spansDrawnAt(page, 3);
        const spans = await drawnSpans(page, 3);
        const lines = await drawnLogLines(page);
        const problems = [
          ...demoChain(spans).problems,
          ...(spans.length === 3 ? [] : [`${spans.length} spans drawn, the request makes 3`]),
          ...DEMO_LINES.filter((m) => !lines.some((l) => l.text.includes(m))).map(
            (m) => `no log line '${m}' drawn`,
          ),
        ];
        return {
          measured: Math.round(drawnMs),
          unit: 'ms from navigation to the waterfall drawn',
          evidence: `${url}: ${spans.map((s) => `${s.operation} (${s.kind})`).join(' → ')}; ${lines.length} log line${lines.length === 1 ? '' : 's'}`,
          problems,
        };
      } finally {
        await screenshot(page, 'verify-0-6-console-trace').catch(() => undefined);
      }
    } finally {
      await browser.close();
    }
  },
);
