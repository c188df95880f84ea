package io.vigil.cache.api;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request id of the Vert.x routes: the caller's {@code X-Request-Id} when it is a sane token (what vigil-common's
 * {@code RequestIds} accepts: 1..128 of {@code [A-Za-z0-9._:-]}), else a new random UUID. Checked with a char loop and
 * made from {@link ThreadLocalRandom}: the profile of an L1 hit showed {@code String.matches} compiling its regex on
 * every request and {@code UUID.randomUUID} reading the shared {@code SecureRandom}; a request id needs to be unique,
 * not unguessable.
 */
final class RouteRequestIds {

    private RouteRequestIds() {
    }

    static String of(String presented) {
        return safe(presented) ? presented : fresh();
    }

    static boolean safe(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** A version-4 (random) UUID, as {@code UUID.randomUUID} makes, from the thread's own generator. */
    static String fresh() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
