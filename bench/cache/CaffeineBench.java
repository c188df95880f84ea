import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The physical limit of an L1 hit: Caffeine get of a present key in-process (no HTTP, no Redis), as many threads as
 * cores, same 10,000 hot keys, after a warm-up. Prints "caffeine <ops/s> <ns per op per thread>".
 */
public class CaffeineBench {
    public static void main(String[] args) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
        Cache<String, byte[]> cache = Caffeine.newBuilder().maximumSize(100_000).build();
        String[] keys = new String[10_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "key:" + i;
            cache.put(keys[i], new byte[100]);
        }
        run(cache, keys, threads, 2); // warm-up
        long[] result = run(cache, keys, threads, seconds);
        double opsPerSec = result[0] / (double) seconds;
        System.out.printf("caffeine %.0f %.1f%n", opsPerSec, 1e9 * threads / opsPerSec);
    }

    static long[] run(Cache<String, byte[]> cache, String[] keys, int threads, long seconds) throws Exception {
        LongAdder ops = new LongAdder();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(threads);
        long[] sink = new long[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            new Thread(() -> {
                int i = id * 7919;
                long n = 0;
                long s = 0;
                while ((n & 1023) != 0 || System.nanoTime() < end) {
                    byte[] v = cache.getIfPresent(keys[i++ % keys.length]);
                    s += v.length;
                    n++;
                }
                sink[id] = s;
                ops.add(n);
                done.countDown();
            }).start();
        }
        done.await();
        return new long[] {ops.sum(), sink[0]};
    }
}
