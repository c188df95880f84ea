package io.vigil.system.replicas;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits on a condition with a deadline (never a fixed sleep for a result). */
public final class Poll {

    private Poll() {
    }

    /** Polls {@code probe} every 50 ms until {@code done} holds; returns that value, or fails with the last one. */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last;
        while (true) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout.toMillis() + " ms; last seen " + last);
            }
            LockSupport.parkNanos(50_000_000L);
        }
    }

    public static void until(String what, Duration timeout, Supplier<Boolean> condition) {
        until(what, timeout, condition, Boolean::booleanValue);
    }

    /** Lets {@code duration} pass (the observation window of a rate measurement, not a wait for a result). */
    public static void elapse(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(Math.min(end - System.nanoTime(), 50_000_000L));
        }
    }
}
