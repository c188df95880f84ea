package io.vigil.system.fault;

import java.util.Map;

import io.vigil.system.Http;
import io.vigil.testing.ApiKeys;

/** Declares targets through the admin API (checked rarely); an accepted target must still be listed afterwards. */
final class HealthWorkload extends ReadBackWorkload {

    private final String base;

    HealthWorkload(String baseUrl) {
        super("health-service");
        this.base = baseUrl + "/api/v1/targets";
    }

    @Override
    String write(long n) {
        String name = "fault-" + n;
        Http.Reply reply = Http.send("POST", base, ApiKeys.ADMIN, Map.of("name", name, "type", "tcp",
                "url", "tcp://127.0.0.1:9", "intervalMs", 600_000, "timeoutMs", 1000));
        return reply.ok() ? base + "/" + name : null;
    }
}
