package io.vigil.alert;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits on a condition with a deadline (never a fixed sleep). */
public final class Poll {

    public static <T> T until(Supplier<T> value, java.util.function.Predicate<T> ok, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = value.get();
                if (ok.test(last)) {
                    return last;
                }
            } catch (RuntimeException | AssertionError e) {
                // not yet
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last: " + last);
    }

    private Poll() {
    }
}
