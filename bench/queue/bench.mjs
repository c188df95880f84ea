// queue-service vs BullMQ against ONE local Redis (started by run.sh):
//  1. enqueue-then-process throughput of N small jobs (batch enqueue; BullMQ Worker vs batch lease/ack over HTTP)
//  2. p50/p99 latency of single-job enqueue with 50 concurrent producers: BullMQ queue.add, queue-service over REST
//     (POST /jobs), queue-service direct (EVALSHA of the direct-enqueue contract v1 through ioredis, the client BullMQ
//     itself uses, one connection) and, with --java-cp, queue-client (Java, DirectLoad.java in a JVM of its own)
// Prints every figure and its ratio to BullMQ. Usage: node bench.mjs --redis-port P --service http://127.0.0.1:H
import { execFileSync } from 'node:child_process';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis'; // BullMQ's own dependency (node_modules/ioredis), so both go through the same client
import { Pool } from 'undici';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const REDIS_PORT = Number(args['redis-port'] ?? 6379);
const SERVICE = args.service ?? 'http://127.0.0.1:8084';
const N = Number(args.jobs ?? 100_000);
const PRODUCERS = Number(args.producers ?? 50);
const LATENCY_OPS = Number(args['latency-ops'] ?? 20_000);
const PACE_MS = Number(args['pace-ms'] ?? 20);
const JAVA_CP = args['java-cp']; // class path of queue-client; absent = the Java client is not measured
const HERE = new URL('.', import.meta.url).pathname;
const BATCH = 1000;
const WRITER = 'Bearer bench-writer';
const ADMIN = 'Bearer bench-admin';
const connection = { host: '127.0.0.1', port: REDIS_PORT, maxRetriesPerRequest: null };
const pool = new Pool(SERVICE, { connections: 64, pipelining: 1, keepAliveTimeout: 60_000 });

const payload = (i) => ({ i, to: `user${i}@example.com`, template: 'welcome' });
const now = () => performance.now();
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function http(method, path, body, key = WRITER) {
  const res = await pool.request({ method, path, headers: { 'content-type': 'application/json', authorization: key },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path} -> ${res.statusCode} ${text}`);
  return text ? JSON.parse(text) : null;
}

// Runs `count` tasks with at most `concurrency` in flight.
async function parallel(count, concurrency, task) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await task(next++);
  }));
}

// ---------- BullMQ ----------
async function bullThroughput(name, n) {
  const queue = new Queue(name, { connection });
  await queue.waitUntilReady();
  const t0 = now();
  await parallel(Math.ceil(n / BATCH), 4, async (b) => {
    const jobs = [];
    for (let i = b * BATCH; i < Math.min(n, (b + 1) * BATCH); i++) jobs.push({ name: 'job', data: payload(i) });
    await queue.addBulk(jobs);
  });
  const t1 = now();
  let done = 0;
  let resolveAll;
  const all = new Promise((r) => { resolveAll = r; });
  const worker = new Worker(name, async () => 'ok', { connection, concurrency: 100, autorun: false });
  worker.on('completed', () => { if (++done === n) resolveAll(); });
  worker.run();
  await all;
  const t2 = now();
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  return { enqueueMs: t1 - t0, processMs: t2 - t1, totalMs: t2 - t0 };
}

// Each of PRODUCERS producers enqueues one job at a time. paceMs = 0: back to back (closed loop, saturating);
// paceMs > 0: one job every paceMs per producer (a steady load below saturation).
async function producers(ops, paceMs, enqueueOne) {
  const lat = [];
  let issued = 0;
  await parallel(PRODUCERS, PRODUCERS, async (p) => {
    if (paceMs > 0) await sleep(Math.random() * paceMs);
    let next = now();
    while (issued < ops) {
      const i = issued++;
      const t = now();
      await enqueueOne(i);
      lat.push(now() - t);
      if (paceMs > 0) {
        next += paceMs;
        const wait = next - now();
        if (wait > 0) await sleep(wait);
      }
    }
  });
  return lat.sort((a, b) => a - b);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function bullLatency(name, ops, paceMs) {
  const queue = new Queue(name, { connection });
  await queue.waitUntilReady();
  const lat = await producers(ops, paceMs, (i) => queue.add('job', payload(i)));
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  return lat;
}

// ---------- queue-service ----------
async function serviceThroughput(name, n) {
  await http('PUT', `/api/v1/queues/${name}`, {}, ADMIN);
  const t0 = now();
  await parallel(Math.ceil(n / BATCH), 4, async (b) => {
    const jobs = [];
    for (let i = b * BATCH; i < Math.min(n, (b + 1) * BATCH); i++) jobs.push({ payload: payload(i) });
    await http('POST', `/api/v1/queues/${name}/jobs/batch`, { jobs });
  });
  const t1 = now();
  let done = 0;
  // 4 workers, each leasing up to 500 jobs at a time and acking them in one call
  await parallel(4, 4, async () => {
    while (done < n) {
      const { jobs } = await http('POST', `/api/v1/queues/${name}/lease`, { count: 500, waitMs: 200 });
      if (jobs.length === 0) continue;
      await http('POST', `/api/v1/queues/${name}/ack`, { acks: jobs.map((j) => ({ id: j.id, token: j.token })) });
      done += jobs.length;
    }
  });
  const t2 = now();
  await http('DELETE', `/api/v1/queues/${name}`, undefined, ADMIN);
  return { enqueueMs: t1 - t0, processMs: t2 - t1, totalMs: t2 - t0 };
}

async function serviceLatency(name, ops, paceMs) {
  await http('PUT', `/api/v1/queues/${name}`, {}, ADMIN);
  const lat = await producers(ops, paceMs, (i) => http('POST', `/api/v1/queues/${name}/jobs`, { payload: payload(i) }));
  await http('DELETE', `/api/v1/queues/${name}`, undefined, ADMIN);
  return lat;
}

// queue-service direct: the contract published by queue-service (vigil:queue:contract:v1), run the way BullMQ runs
// its own scripts: ioredis defineCommand (EVALSHA, EVAL on NOSCRIPT) on one connection, commands pipelined on it.
async function directLatency(name, ops, paceMs) {
  await http('PUT', `/api/v1/queues/${name}`, {}, ADMIN);
  const redis = new IORedis(connection);
  const [script] = await redis.hmget('vigil:queue:contract:v1', 'script');
  redis.defineCommand('vigilEnqueue', { numberOfKeys: 6, lua: script });
  const keys = ['meta', 'seq', 'wait', 'waitage', 'delayed', 'stats'].map((k) => `vigil:q:{${name}}:${k}`);
  const lat = await producers(ops, paceMs, (i) => redis.vigilEnqueue(...keys, '1', name, JSON.stringify(payload(i))));
  redis.disconnect();
  await http('DELETE', `/api/v1/queues/${name}`, undefined, ADMIN);
  return lat;
}

// queue-client (Java): DirectLoad.java in its own JVM, warmed up there first; it prints the sorted latencies' p50/p99.
async function javaLatency(name, ops, paceMs) {
  await http('PUT', `/api/v1/queues/${name}`, {}, ADMIN);
  const out = execFileSync('java', ['-cp', JAVA_CP, `${HERE}DirectLoad.java`, `redis://127.0.0.1:${REDIS_PORT}`, name,
    String(ops), String(PRODUCERS), String(paceMs)], { encoding: 'utf8' });
  await http('DELETE', `/api/v1/queues/${name}`, undefined, ADMIN);
  const r = JSON.parse(out.trim().split('\n').pop());
  return { p50: r.p50, p99: r.p99 };
}

const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main() {
  console.log(`jobs=${N} producers=${PRODUCERS} pace-ms=${PACE_MS} latency-ops=${LATENCY_OPS} redis=127.0.0.1:${REDIS_PORT} service=${SERVICE}`);
  // warm-up (JIT for the JVM, script cache and connections for both)
  await bullThroughput('bench-warm', 5_000);
  await serviceThroughput('bench-warm', 5_000);
  await bullLatency('bench-warm-lat', 2_000, 0);
  await serviceLatency('bench-warm-lat', 2_000, 0);
  await directLatency('bench-warm-lat', 2_000, 0);

  const bull = await bullThroughput('bench-tp', N);
  const svc = await serviceThroughput('bench-tp', N);
  // let background work (the service's outbox drain and archive, GC) settle before measuring latency
  await sleep(10_000);
  // two rounds, alternating the systems; each figure is the better round (the machine is shared and noisy)
  const summary = (lat) => (Array.isArray(lat) ? { p50: pct(lat, 50), p99: pct(lat, 99) } : lat);
  const best = (a, b) => (a && a.p50 + a.p99 <= b.p50 + b.p99 ? a : b);
  const systems = [['BullMQ', bullLatency], ['queue-service REST', serviceLatency], ['queue-service direct', directLatency]];
  if (JAVA_CP) systems.push(['queue-client (Java)', javaLatency]);
  const closed = {}, paced = {};
  const pacedOps = Math.round(LATENCY_OPS / 2);
  for (let round = 0; round < 2; round++) {
    const line = [];
    for (const [label, run] of systems) {
      const c = summary(await run(`bench-lat-${round}`, LATENCY_OPS, 0));
      const p = summary(await run(`bench-lat-paced-${round}`, pacedOps, PACE_MS));
      closed[label] = best(closed[label], c);
      paced[label] = best(paced[label], p);
      line.push(`${label} ${c.p50.toFixed(3)}/${c.p99.toFixed(3)} paced ${p.p50.toFixed(3)}/${p.p99.toFixed(3)}`);
    }
    console.log(`latency round ${round + 1} (p50/p99 ms): ${line.join('; ')}`);
  }
  const pacedRate = Math.round(PRODUCERS * 1000 / PACE_MS);
  console.log(`throughput: BullMQ enqueue ${fmt(bull.enqueueMs)} ms + process ${fmt(bull.processMs)} ms; `
    + `queue-service enqueue ${fmt(svc.enqueueMs)} ms + process ${fmt(svc.processMs)} ms`);

  const rate = (r, ms) => N / (ms / 1000);
  const rows = [
    ['enqueue (batch) jobs/s', rate(bull, bull.enqueueMs), rate(svc, svc.enqueueMs), true],
    ['process jobs/s', rate(bull, bull.processMs), rate(svc, svc.processMs), true],
    ['end-to-end jobs/s (enqueue then process)', rate(bull, bull.totalMs), rate(svc, svc.totalMs), true],
  ];
  console.log('');
  console.log('| metric | BullMQ | queue-service | ratio (queue-service / BullMQ) |');
  console.log('|---|---:|---:|---:|');
  for (const [label, b, s, isRate] of rows) {
    console.log(`| ${label} | ${fmt(b, isRate ? 0 : 3)} | ${fmt(s, isRate ? 0 : 3)} | ${fmt(s / b, 2)}x |`);
  }
  // single enqueue: every system against BullMQ's queue.add of the same run
  console.log('');
  console.log(`| single enqueue, ${PRODUCERS} producers | back to back p50 / p99 ms | ratio to BullMQ | `
    + `paced (${pacedRate} jobs/s) p50 / p99 ms | ratio to BullMQ |`);
  console.log('|---|---:|---:|---:|---:|');
  for (const [label] of systems) {
    const c = closed[label], p = paced[label], bc = closed.BullMQ, bp = paced.BullMQ;
    console.log(`| ${label} | ${fmt(c.p50, 3)} / ${fmt(c.p99, 3)} | ${fmt(c.p50 / bc.p50, 2)}x / ${fmt(c.p99 / bc.p99, 2)}x `
      + `| ${fmt(p.p50, 3)} / ${fmt(p.p99, 3)} | ${fmt(p.p50 / bp.p50, 2)}x / ${fmt(p.p99 / bp.p99, 2)}x |`);
  }
  await pool.close();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
