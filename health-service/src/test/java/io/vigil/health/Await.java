package io.vigil.health;

import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or the deadline passes (tests never sleep a fixed time to wait for work). */
final class Await {

    static void until(String what, long timeoutMs, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException | AssertionError notYet) {
                // not yet
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
    }

    private Await() {
    }
}
