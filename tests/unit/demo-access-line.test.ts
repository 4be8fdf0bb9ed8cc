// 0-13.demo-logs-trace-id's rule: the request's access line, with its trace id, naming the event
// the 201 answered with (the demo writes one INFO line a request since issue 25).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { accessLineProblems } from '../../tasks/phase0/13-e2e-validation/trace-log-checks.ts';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const access = { message: 'request', trace_id: traceId, route: '/events', event_id: 'e-1' };

test('the access line naming the event passes; the per-step lines are not needed', () => {
  assert.equal(accessLineProblems([access], { traceId, eventId: 'e-1' }), []);
});

test('per-step lines alone fail: the access line is what the request leaves at INFO', () => {
  const steps = [
    { message: 'event produced', trace_id: traceId, event_id: 'e-1' },
    { message: 'event consumed', trace_id: traceId, event_id: 'e-1' },
  ];
  assert.match(accessLineProblems(steps, { traceId, eventId: 'e-1' }).join(), /no "request" line/);
});

test('an access line naming another event, or none, fails', () => {
  assert.match(
    accessLineProblems([access], { traceId, eventId: 'e-2' }).join(),
    /names event e-1, the 201 said e-2/,
  );
  const bare = { ...access, event_id: undefined };
  assert.match(accessLineProblems([bare], { traceId, eventId: 'e-1' }).join(), /names event \(none\)/);
});

test.run();
