-- Prints what the benchmark parses: latency percentiles (microseconds), requests and errors.
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50_us=%d p95_us=%d p99_us=%d max_us=%d requests=%d duration_us=%d " ..
                         "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
end
