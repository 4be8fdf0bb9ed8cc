// SVG percentile plot: well-formed, one line per series, labels escaped, percentiles spaced in nines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nines, percentilePlotSvg } from '../../bench/kafka/svg.ts';

test('nines: 90% → 1, 99% → 2, 99.9% → 3, 100% capped', () => {
  assert.is(nines(0), 0);
  assert.ok(Math.abs(nines(90) - 1) < 1e-9);
  assert.ok(Math.abs(nines(99) - 2) < 1e-9);
  assert.ok(Math.abs(nines(99.9) - 3) < 1e-9);
  assert.is(nines(100), 5);
});

test('one path per non-empty series, legend escaped, svg closed', () => {
  const svg = percentilePlotSvg('t <1>', [
    {
      label: 'a & b',
      points: [
        [50, 1],
        [90, 2],
        [99, 5],
        [100, 9],
      ],
    },
    { label: 'empty', points: [] },
    {
      label: 'c',
      points: [
        [50, 0.5],
        [99.9, 3],
      ],
    },
  ]);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.is((svg.match(/<path /g) ?? []).length, 2);
  assert.match(svg, /a &amp; b/);
  assert.match(svg, /t &lt;1&gt;/);
  assert.not.match(svg, />empty</);
  assert.not.match(svg, /NaN/);
});

test.run();
