package io.vigil.metrics.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Which ingest-stream entries an unfinished flush holds. A flush writes its record with its indexes, before any merge,
 * and deletes it with the XACK of its entries. A process killed between the two leaves the record: whoever reclaims
 * one of those entries replays the whole flush under its token, and the merges' marks (flush_bucket.lua) skip what
 * it had already merged. Without it, every entry of such a flush would be counted twice.
 */
@ApplicationScoped
public class FlushJournal {

    private final Redis redis;

    public FlushJournal(Redis redis) {
        this.redis = redis;
    }

    /** The commands that record a flush; they run before its merges. */
    void open(String token, List<String> ids, List<Request> into) {
        into.add(Request.cmd(Command.HSET).arg(RedisKeys.JOURNAL).arg(token).arg(String.join(" ", ids)));
        Request entries = Request.cmd(Command.HSET).arg(RedisKeys.JOURNAL_ENTRIES);
        ids.forEach(id -> entries.arg(id).arg(token));
        into.add(entries);
    }

    /** The commands that forget a flush; they run with the XACK of its entries. */
    void close(String token, List<String> ids, List<Request> into) {
        into.add(Request.cmd(Command.HDEL).arg(RedisKeys.JOURNAL).arg(token));
        Request entries = Request.cmd(Command.HDEL).arg(RedisKeys.JOURNAL_ENTRIES);
        ids.forEach(entries::arg);
        into.add(entries);
    }

    /** The token of the unfinished flush holding each entry, for the entries some flush holds. */
    public Map<String, String> tokensOf(List<String> ids) {
        Map<String, String> tokens = new HashMap<>();
        if (ids.isEmpty()) {
            return tokens;
        }
        Request hmget = Request.cmd(Command.HMGET).arg(RedisKeys.JOURNAL_ENTRIES);
        ids.forEach(hmget::arg);
        Response reply = redis.sendAndAwait(hmget);
        for (int i = 0; i < ids.size(); i++) {
            Response token = reply.get(i);
            if (token != null) {
                tokens.put(ids.get(i), token.toString());
            }
        }
        return tokens;
    }

    /** Every entry of an unfinished flush (empty once it finished). */
    public List<String> entriesOf(String token) {
        Response reply = redis.sendAndAwait(Request.cmd(Command.HGET).arg(RedisKeys.JOURNAL).arg(token));
        return reply == null ? List.of() : new ArrayList<>(Arrays.asList(reply.toString().split(" ")));
    }
}
