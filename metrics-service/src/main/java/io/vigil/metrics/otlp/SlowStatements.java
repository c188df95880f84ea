package io.vigil.metrics.otlp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vigil.common.redis.Pipelines;
import io.vigil.metrics.otlp.SpanMapper.Statement;

/**
 * The slowest database statements per service (slow query detection from CLIENT spans with {@code db.system}): one
 * Redis ZSET per service scored by duration, trimmed to {@code slow-statements}, shared by all replicas. Each request
 * sends only its own slowest few per service, so a busy database costs a handful of ZADDs per export.
 */
@ApplicationScoped
public class SlowStatements {

    @RegisterForReflection
    public record Entry(String dependency, String operation, String statement, double durationMs, long timeMs,
            String traceId) {
    }

    private static final long TTL_SECONDS = 7 * 86_400;

    private final Redis redis;
    private final ObjectMapper mapper;
    private final int keep;

    public SlowStatements(Redis redis, ObjectMapper mapper, OtlpConfig config) {
        this.redis = redis;
        this.mapper = mapper;
        this.keep = config.slowStatements();
    }

    void add(List<Statement> statements) {
        if (statements.isEmpty()) {
            return;
        }
        Map<String, List<Statement>> byService = new HashMap<>();
        statements.forEach(s -> byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s));
        List<Request> requests = new ArrayList<>();
        byService.forEach((service, list) -> {
            list.sort(Comparator.comparingDouble(Statement::durationMs).reversed());
            String key = key(service);
            Request zadd = Request.cmd(Command.ZADD).arg(key);
            for (Statement s : list.subList(0, Math.min(keep, list.size()))) {
                zadd.arg(s.durationMs()).arg(json(new Entry(s.dependency(), s.operation(), s.text(), s.durationMs(),
                        s.timeMs(), s.traceId())));
            }
            requests.add(zadd);
            requests.add(Request.cmd(Command.ZREMRANGEBYRANK).arg(key).arg(0).arg(-keep - 1));
            requests.add(Request.cmd(Command.EXPIRE).arg(key).arg(TTL_SECONDS));
        });
        Pipelines.run(redis, requests);
    }

    /** Slowest first. */
    public List<Entry> list(String service) {
        Response r = redis.sendAndAwait(Request.cmd(Command.ZREVRANGE).arg(key(service)).arg(0).arg(keep - 1));
        List<Entry> out = new ArrayList<>();
        for (Response member : r) {
            try {
                out.add(mapper.readValue(member.toString(), Entry.class));
            } catch (JsonProcessingException e) {
                // a member written by another version: skip it
            }
        }
        return out;
    }

    private String json(Entry e) {
        try {
            return mapper.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String key(String service) {
        return "vigil:m:{svc:" + service + "}:statements";
    }
}
