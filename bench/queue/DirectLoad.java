import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.vigil.queue.client.Job;
import io.vigil.queue.client.QueueClient;

/**
 * queue-client's single-enqueue latency for bench.mjs: {@code producers} threads each enqueue one job at a time
 * (back to back, or one every {@code paceMs}) through ONE QueueClient (one pipelined connection), after a warm-up in
 * the same JVM. Prints {"p50":..,"p99":..} in ms. Run: java -cp <queue-client class path> DirectLoad.java
 * redis://127.0.0.1:6379 queue ops producers paceMs
 */
public class DirectLoad {
    public static void main(String[] args) throws Exception {
        String uri = args[0], queue = args[1];
        int ops = Integer.parseInt(args[2]), producers = Integer.parseInt(args[3]);
        long paceNs = Long.parseLong(args[4]) * 1_000_000L;
        try (QueueClient client = QueueClient.connect(uri)) {
            run(client, queue, Math.max(3000, ops / 2), producers, 0); // JIT and connection warm-up
            long[] lat = run(client, queue, ops, producers, paceNs);
            Arrays.sort(lat);
            System.out.printf("{\"p50\":%.3f,\"p99\":%.3f}%n", lat[lat.length / 2] / 1e6,
                    lat[Math.min(lat.length - 1, (int) (lat.length * 0.99))] / 1e6);
        }
    }

    static long[] run(QueueClient client, String queue, int ops, int producers, long paceNs) throws Exception {
        long[] lat = new long[ops];
        AtomicInteger issued = new AtomicInteger();
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            threads[p] = new Thread(() -> {
                long next = System.nanoTime() + (paceNs > 0 ? (long) (Math.random() * paceNs) : 0);
                LockSupport.parkNanos(next - System.nanoTime());
                int i;
                while ((i = issued.getAndIncrement()) < ops) {
                    String payload = "{\"i\":" + i + ",\"to\":\"user" + i + "@example.com\",\"template\":\"welcome\"}";
                    long t = System.nanoTime();
                    client.enqueue(queue, Job.of(payload)).join();
                    lat[i] = System.nanoTime() - t;
                    if (paceNs > 0) {
                        next += paceNs;
                        LockSupport.parkNanos(next - System.nanoTime());
                    }
                }
            });
            threads[p].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return lat;
    }
}
