package io.vigil.system.fault;

import java.util.Map;

import io.vigil.system.Http;
import io.vigil.testing.ApiKeys;

/** Puts cache entries (with a TTL far beyond the test); an accepted entry must still be readable afterwards. */
final class CacheWorkload extends ReadBackWorkload {

    private final String base;

    CacheWorkload(String baseUrl) {
        super("cache-service");
        this.base = baseUrl + "/api/v1/cache/fault";
        Http.send("PUT", baseUrl + "/api/v1/cache/namespaces/fault", ApiKeys.ADMIN, Map.of());
    }

    @Override
    String write(long n) {
        String url = base + "/entries/k-" + n;
        return Http.send("PUT", url + "?ttlMs=3600000", ApiKeys.WRITER, Map.of("n", n)).ok() ? url : null;
    }
}
