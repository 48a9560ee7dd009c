// Loaded into the bench's proxy process with `node --require` (CommonJS: the ESM loader that
// --import starts would add 5 MB to the idle RSS measured): measures how long the proxy holds
// its thread, which inside VS Code is the extension host's (every other extension waits as
// long). SIGUSR2 starts a 1 ms timer histogram; the next SIGUSR2 stops it and writes what it saw
// to BENCH_EVENT_LOOP_FILE. Off between the two, so it costs nothing in the other phases.
'use strict';
const file = process.env.BENCH_EVENT_LOOP_FILE;
const RESOLUTION_MS = 1;
let histogram;

if (file) {
  process.on('SIGUSR2', () => {
    if (!histogram) {
      histogram = require('node:perf_hooks').monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      histogram.enable();
      return;
    }
    histogram.disable();
    // The histogram holds the intervals between the timer's runs; beyond its 1 ms is how late it was.
    const late = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    const stats = { samples: histogram.count, p50: late(histogram.percentile(50)), p99: late(histogram.percentile(99)), max: late(histogram.max) };
    histogram = undefined;
    const fs = require('node:fs');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(stats));
    fs.renameSync(`${file}.tmp`, file);
  });
}
