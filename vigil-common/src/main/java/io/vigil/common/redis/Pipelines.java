package io.vigil.common.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.impl.RequestImpl;
import io.vertx.redis.client.impl.ZModem;

/**
 * Pipelined commands, on a single Redis and on Redis Cluster alike. On a single Redis the commands go in chunks
 * below the client's limit of waiting replies per connection (2048 by default). On Redis Cluster a pipeline may only
 * hold keys of one slot, so the commands are grouped by the slot of their keys, every group is sent at once as its
 * own pipeline (to whichever master serves it), and the replies come back in the order of the requests. Order
 * between commands of different slots is not kept, which is all a cluster could promise anyway.
 */
public final class Pipelines {

    static final int CHUNK = 1000;
    private static final int NO_KEY = -1;
    private static final boolean CLUSTER = "cluster".equalsIgnoreCase(ConfigProvider.getConfig()
            .getOptionalValue("quarkus.redis.client-type", String.class).orElse("standalone"));

    private Pipelines() {
    }

    public static List<Response> run(Redis redis, List<Request> requests) {
        if (!CLUSTER) {
            return chunked(redis, requests).await().indefinitely();
        }
        Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            bySlot.computeIfAbsent(slot(requests.get(i)), s -> new ArrayList<>()).add(i);
        }
        if (bySlot.size() <= 1) {
            return chunked(redis, requests).await().indefinitely();
        }
        List<List<Integer>> groups = new ArrayList<>(bySlot.values());
        List<Uni<List<Response>>> sent = new ArrayList<>(groups.size());
        for (List<Integer> group : groups) {
            sent.add(chunked(redis, group.stream().map(requests::get).toList()));
        }
        List<List<Response>> replies = Uni.join().all(sent).andFailFast().await().indefinitely();
        Response[] ordered = new Response[requests.size()];
        for (int g = 0; g < groups.size(); g++) {
            for (int i = 0; i < groups.get(g).size(); i++) {
                ordered[groups.get(g).get(i)] = replies.get(g).get(i);
            }
        }
        return Arrays.asList(ordered);
    }

    /** The cluster slot of a command's (first) key; commands without keys may go to any node. */
    static int slot(Request request) {
        List<byte[]> keys = ((RequestImpl) request.getDelegate()).keys();
        return keys.isEmpty() ? NO_KEY : ZModem.generate(keys.get(0));
    }

    private static Uni<List<Response>> chunked(Redis redis, List<Request> requests) {
        if (requests.size() <= CHUNK) {
            return redis.batch(requests);
        }
        Uni<List<Response>> all = Uni.createFrom().item(new ArrayList<>(requests.size()));
        for (int i = 0; i < requests.size(); i += CHUNK) {
            List<Request> chunk = requests.subList(i, Math.min(requests.size(), i + CHUNK));
            all = all.flatMap(done -> redis.batch(chunk).map(replies -> {
                done.addAll(replies);
                return done;
            }));
        }
        return all;
    }
}
