// Open-loop rate schedule: intended send times are fixed by the rate, not by the broker.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RateSchedule } from '../../bench/kafka/schedule.ts';

test('intended times are start + i / rate', () => {
  const s = new RateSchedule(10_000, 1_000_000, 100);
  assert.is(s.intervalUs, 100);
  assert.is(s.intendedUs(0), 1_000_000);
  assert.is(s.intendedUs(1), 1_000_100);
  assert.is(s.intendedUs(50), 1_005_000);
});

test('dueBy counts the messages whose intended time has passed, capped at total', () => {
  const s = new RateSchedule(1000, 0, 10);
  assert.is(s.dueBy(-1), 0);
  assert.is(s.dueBy(0), 1);
  assert.is(s.dueBy(999), 1);
  assert.is(s.dueBy(1000), 2);
  assert.is(s.dueBy(5500), 6);
  assert.is(s.dueBy(1e9), 10, 'a stalled sender that wakes late finds everything due at once');
});

test('waitUs is the time to the next intended send, never negative', () => {
  const s = new RateSchedule(1000, 0, 10);
  assert.is(s.waitUs(3, 2500), 500);
  assert.is(s.waitUs(3, 4000), 0);
});

test('a non-positive rate is rejected', () => {
  assert.throws(() => new RateSchedule(0, 0, 1), /rate must be > 0/);
  assert.throws(() => new RateSchedule(-1, 0, 1), /rate must be > 0/);
});

test.run();
