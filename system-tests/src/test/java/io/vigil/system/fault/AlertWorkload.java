package io.vigil.system.fault;

import java.util.List;
import java.util.Map;

import io.vigil.system.Http;
import io.vigil.testing.ApiKeys;

/** Creates alert rules; an accepted rule must still be there afterwards. */
final class AlertWorkload extends ReadBackWorkload {

    private final String base;

    AlertWorkload(String baseUrl) {
        super("alert-service");
        this.base = baseUrl + "/api/v1/rules";
    }

    @Override
    String write(long n) {
        String id = "fault-" + n;
        Http.Reply reply = Http.send("POST", base, ApiKeys.ADMIN, Map.of("id", id, "source", "metrics",
                "expr", "p95Ms > 100000", "matchers", List.of("service=fault-none"), "severity", "info"));
        return reply.ok() ? base + "/" + id : null;
    }
}
