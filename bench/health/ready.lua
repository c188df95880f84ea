-- wrk script: each connection waits 10 ms between requests, so 10 connections offer about 1,000 requests/s
-- (Debian's wrk has no fixed-rate mode). Prints the latency percentiles as one line for run.sh.
function delay()
  return 10
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
