package io.vigil.system.e2e;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import io.vigil.system.Suite;

/**
 * A path asserted step by step: each step polls the public API until its condition holds, with a deadline, and a
 * failure names the step, what was last seen, and where the services' logs are. Reached steps are printed with the
 * time since the path started, so a run's output is the path's timeline.
 */
public final class Steps {

    private final String path;
    private final Suite suite;
    private final long started = System.nanoTime();

    public Steps(String path, Suite suite) {
        this.path = path;
        this.suite = suite;
    }

    /** Polls {@code probe} every 100 ms until {@code done} holds; returns that value, or fails naming the step. */
    public <T> T await(String step, Duration within, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + within.toNanos();
        T last = null;
        while (true) {
            last = probe.get();
            if (last != null && done.test(last)) {
                System.out.printf("e2e %-8s +%6d ms  %s%n", path, (System.nanoTime() - started) / 1_000_000, step);
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + ": step '" + step + "' not reached within " + within.toSeconds()
                        + " s; last seen: " + abbreviate(String.valueOf(last)) + "\nservice logs:\n" + logs());
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    /** Fails naming the step unless {@code condition} holds now. */
    public void check(String step, boolean condition, Object seen) {
        if (!condition) {
            throw new AssertionError(path + ": step '" + step + "' failed; seen: " + abbreviate(String.valueOf(seen))
                    + "\nservice logs:\n" + logs());
        }
    }

    public String logs() {
        return suite.services().entrySet().stream().map(e -> "  " + e.getKey() + ": " + e.getValue().log())
                .collect(Collectors.joining("\n"));
    }

    private static String abbreviate(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }
}
