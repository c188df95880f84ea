package io.vigil.common.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.impl.RequestImpl;
import io.vertx.redis.client.impl.ZModem;

/**
 * Pipelined commands, on a single Redis and on Redis Cluster alike. On a single Redis the commands go in chunks
 * below the client's limit of waiting replies per connection (2048 by default). On Redis Cluster a pipeline may only
 * hold keys of one slot, so the commands are grouped by the slot of their keys and every group is sent as its own
 * pipeline (to whichever master serves it), all over one cluster connection, in waves of at most {@link #CHUNK}
 * commands; the replies come back in the order of the requests. Order between commands of different slots is not
 * kept, which is all a cluster could promise anyway.
 *
 * <p>One connection, not one per group: the cluster client takes a pooled connection of every node for each
 * connection it hands out, so a flush touching a hundred slots sent group by group through the client would ask the
 * pool for a hundred connections per node at once and overflow its wait queue (24 by default).
 */
public final class Pipelines {

    static final int CHUNK = 1000;
    private static final int NO_KEY = -1;

    private Pipelines() {
    }

    public static List<Response> run(Redis redis, List<Request> requests) {
        return run(redis, requests, null);
    }

    /**
     * Like {@link #run(Redis, List)}, failing when the pipeline (on a cluster: its connection, then each wave) takes
     * longer than {@code timeout}, so a caller on a scheduler thread is not stuck behind an unanswering node.
     */
    public static List<Response> run(Redis redis, List<Request> requests, Duration timeout) {
        if (!RedisMode.cluster()) {
            return chunked(redis::batch, requests).await().atMost(timeout);
        }
        Map<Integer, List<Integer>> bySlot = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            bySlot.computeIfAbsent(slot(requests.get(i)), s -> new ArrayList<>()).add(i);
        }
        if (bySlot.size() <= 1) {
            return chunked(redis::batch, requests).await().atMost(timeout);
        }
        List<List<Integer>> groups = new ArrayList<>(bySlot.values());
        Response[] ordered = new Response[requests.size()];
        RedisConnection connection = redis.connect().await().atMost(timeout);
        try {
            int next = 0;
            while (next < groups.size()) {
                // One wave: whole groups, in parallel, while the wave stays within CHUNK commands (a bigger group
                // goes alone, in chunks).
                int first = next;
                int size = 0;
                List<Uni<List<Response>>> sent = new ArrayList<>();
                while (next < groups.size() && (next == first || size + groups.get(next).size() <= CHUNK)) {
                    List<Integer> group = groups.get(next++);
                    size += group.size();
                    sent.add(chunked(connection::batch, group.stream().map(requests::get).toList()));
                }
                List<List<Response>> replies = Uni.join().all(sent).andFailFast().await().atMost(timeout);
                for (int g = 0; g < replies.size(); g++) {
                    List<Integer> group = groups.get(first + g);
                    for (int i = 0; i < group.size(); i++) {
                        ordered[group.get(i)] = replies.get(g).get(i);
                    }
                }
            }
        } finally {
            connection.close().subscribe().with(ignored -> { }, failure -> { });
        }
        return Arrays.asList(ordered);
    }

    /** The cluster slot of a command's (first) key; commands without keys may go to any node. */
    static int slot(Request request) {
        List<byte[]> keys = ((RequestImpl) request.getDelegate()).keys();
        return keys.isEmpty() ? NO_KEY : ZModem.generate(keys.get(0));
    }

    private static Uni<List<Response>> chunked(Function<List<Request>, Uni<List<Response>>> batch,
            List<Request> requests) {
        if (requests.size() <= CHUNK) {
            return batch.apply(requests);
        }
        Uni<List<Response>> all = Uni.createFrom().item(new ArrayList<>(requests.size()));
        for (int i = 0; i < requests.size(); i += CHUNK) {
            List<Request> chunk = requests.subList(i, Math.min(requests.size(), i + CHUNK));
            all = all.flatMap(done -> batch.apply(chunk).map(replies -> {
                done.addAll(replies);
                return done;
            }));
        }
        return all;
    }
}
