package io.vigil.metrics.store;

import java.util.ArrayList;
import java.util.List;

import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/** Pipelined commands in chunks below the client's limit of waiting replies per connection (2048 by default). */
final class Pipeline {

    static final int CHUNK = 1000;

    static List<Response> run(Redis redis, List<Request> requests) {
        if (requests.size() <= CHUNK) {
            return redis.batchAndAwait(requests);
        }
        List<Response> out = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i += CHUNK) {
            out.addAll(redis.batchAndAwait(requests.subList(i, Math.min(requests.size(), i + CHUNK))));
        }
        return out;
    }

    private Pipeline() {
    }
}
