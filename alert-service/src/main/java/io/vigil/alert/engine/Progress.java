package io.vigil.alert.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Heartbeats of this replica's evaluation loops (the timer tick, each stream consumer), for readiness: a loop stuck in
 * one run, or a periodic loop that stopped running, shows as lag. Local times only (one replica's clock).
 */
@ApplicationScoped
public class Progress {

    /** One loop: when its current run started (0 = idle), when its last run ended, whether it must run periodically. */
    private static final class Loop {
        final boolean periodic;
        volatile long busySince;
        volatile long lastDone;

        Loop(boolean periodic, long now) {
            this.periodic = periodic;
            this.lastDone = now;
        }
    }

    private final Map<String, Loop> loops = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public Progress() {
        this(System::currentTimeMillis);
    }

    public Progress(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Runs one pass of {@code loop}. A periodic loop (the tick) lags from its last finished pass, so a timer thread
     * that died shows too; an event-driven one (a stream consumer) only while a pass is running, since idling is fine.
     */
    public <E extends Exception> void run(String loop, boolean periodic, Body<E> body) throws E {
        Loop l = loops.computeIfAbsent(loop, k -> new Loop(periodic, clock.getAsLong()));
        l.busySince = clock.getAsLong();
        try {
            body.run();
        } finally {
            l.lastDone = clock.getAsLong();
            l.busySince = 0;
        }
    }

    /** A pass of a loop. */
    @FunctionalInterface
    public interface Body<E extends Exception> {
        void run() throws E;
    }

    /** Loops lagging by more than {@code maxLagMs}: name → lag in ms. */
    public Map<String, Long> lagging(long maxLagMs) {
        long now = clock.getAsLong();
        Map<String, Long> out = new LinkedHashMap<>();
        loops.forEach((name, l) -> {
            long busy = l.busySince;
            long lag = busy > 0 ? now - busy : l.periodic ? now - l.lastDone : 0;
            if (lag > maxLagMs) {
                out.put(name, lag);
            }
        });
        return out;
    }
}
