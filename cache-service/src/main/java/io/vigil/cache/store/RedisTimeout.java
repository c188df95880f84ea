package io.vigil.cache.store;

import java.time.Duration;

import io.smallrye.mutiny.Uni;

/**
 * A Redis call got no answer within {@code vigil.cache.redis-timeout}. Its outcome is unknown: a write may or may not
 * have been applied (Redis may run it once the stall ends).
 */
public class RedisTimeout extends RuntimeException {

    public RedisTimeout(Duration after) {
        super("Redis did not answer within " + after.toMillis() + " ms", null, false, false);
    }

    public static <T> Uni<T> within(Uni<T> call, Duration timeout) {
        return call.ifNoItem().after(timeout).failWith(() -> new RedisTimeout(timeout));
    }
}
