package io.vigil.common.deadletter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.vigil.common.event.Streams;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.stream.DeadLetterFields;
import io.vigil.common.stream.StreamConsumers;
import io.vigil.common.stream.StreamsConfig;

/**
 * The dead-letter streams of the groups this service consumes in ({@link Streams#deadLetter}): listing them, paging
 * their entries, and replaying entries into their source stream. A replay appends the original fields as a new entry
 * (XADD) and then deletes the dead letter (XDEL); the two keys may live on different cluster nodes, so a crash in
 * between replays the entry again next time, and consumers drop the copy by its event id. Every group reading the
 * source stream sees a replayed entry; the others drop it the same way.
 */
@ApplicationScoped
public class DeadLetters {

    static final int MAX_LIMIT = 1000;
    private static final int REPLAY_PAGE = 500;
    private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");

    public record Summary(String stream, String group, String deadLetterStream, long count) {
    }

    public record Entry(String id, String originalId, String reason, Long deliveries, Long poisonFailures,
            Long excusedDeliveries, Instant deadLetteredAt, boolean replayable, Map<String, String> fields) {
    }

    public record Page(String stream, String group, String deadLetterStream, long count, List<Entry> entries,
            String nextCursor) {
    }

    public record Skipped(String id, String reason) {
    }

    public record Replay(String stream, String group, long replayed, List<Skipped> skipped, List<String> notFound) {
    }

    private final StreamConsumers consumers;
    private final StreamCommands<String, String, String> streams;
    private final long maxLength;

    public DeadLetters(StreamConsumers consumers, RedisDataSource redis, StreamsConfig config) {
        this.consumers = consumers;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.maxLength = config.maxLength();
    }

    public List<Summary> list() {
        return consumers.consumed().stream().map(c -> {
            String dead = Streams.deadLetter(c.stream(), c.group());
            return new Summary(c.stream(), c.group(), dead, streams.xlen(dead));
        }).toList();
    }

    /** Up to {@code limit} entries after {@code cursor} (an entry id, exclusive; null for the oldest). */
    public Page page(String stream, String group, int limit, String cursor) {
        StreamConsumers.Consumed source = resolve(stream, group);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (cursor != null && !ENTRY_ID.matcher(cursor).matches()) {
            throw ProblemException.invalid("cursor", "must be an entry id from nextCursor (like 1700000000000-0)");
        }
        String dead = Streams.deadLetter(source.stream(), source.group());
        List<StreamMessage<String, String, String>> messages = streams.xrange(dead,
                new StreamRange(cursor == null ? "-" : "(" + cursor, "+"), limit);
        List<Entry> entries = messages.stream().map(DeadLetters::entry).toList();
        String next = messages.size() == limit ? messages.get(messages.size() - 1).id() : null;
        return new Page(source.stream(), source.group(), dead, streams.xlen(dead), entries, next);
    }

    /** Replays the given dead letters, or all of them (as of now) when {@code ids} is empty. */
    public Replay replay(String stream, String group, List<String> ids) {
        StreamConsumers.Consumed source = resolve(stream, group);
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i) == null || !ENTRY_ID.matcher(ids.get(i)).matches()) {
                throw ProblemException.invalid("ids[" + i + "]", "must be a dead-letter entry id");
            }
        }
        if (ids.size() > MAX_LIMIT) {
            throw ProblemException.invalid("ids", "at most " + MAX_LIMIT + " per call");
        }
        String dead = Streams.deadLetter(source.stream(), source.group());
        long replayed = 0;
        List<Skipped> skipped = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        if (ids.isEmpty()) {
            // Only as many as there are now: an entry that fails again and is parked anew is not replayed twice.
            long left = streams.xlen(dead);
            String from = "-";
            while (left > 0) {
                List<StreamMessage<String, String, String>> page = streams.xrange(dead, new StreamRange(from, "+"),
                        (int) Math.min(REPLAY_PAGE, left));
                for (StreamMessage<String, String, String> m : page) {
                    replayed += replayOne(source.stream(), dead, m, skipped);
                }
                if (page.isEmpty()) {
                    break;
                }
                left -= page.size();
                from = "(" + page.get(page.size() - 1).id();
            }
        } else {
            for (String id : ids) {
                List<StreamMessage<String, String, String>> found = streams.xrange(dead, new StreamRange(id, id), 1);
                if (found.isEmpty()) {
                    notFound.add(id);
                } else {
                    replayed += replayOne(source.stream(), dead, found.get(0), skipped);
                }
            }
        }
        return new Replay(source.stream(), source.group(), replayed, skipped, notFound);
    }

    private int replayOne(String stream, String dead, StreamMessage<String, String, String> m, List<Skipped> skipped) {
        if ("true".equals(m.payload().get(DeadLetterFields.INSPECTION_COPY))) {
            skipped.add(new Skipped(m.id(), "an inspection copy of an entry whose valid part was handled; "
                    + "replaying it would handle that part twice"));
            return 0;
        }
        Map<String, String> original = original(m.payload());
        if (original.isEmpty()) {
            skipped.add(new Skipped(m.id(), "no fields of the original entry"));
            return 0;
        }
        streams.xadd(stream, new XAddArgs().maxlen(maxLength).nearlyExactTrimming(), original);
        streams.xdel(dead, m.id());
        return 1;
    }

    /** The stream and group for a request: 404 when this service reads no such stream, 400 when it is ambiguous. */
    private StreamConsumers.Consumed resolve(String stream, String group) {
        List<StreamConsumers.Consumed> matches = consumers.consumed().stream()
                .filter(c -> c.stream().equals(stream) && (group == null || c.group().equals(group))).toList();
        if (matches.isEmpty()) {
            throw ProblemException.notFound(group == null
                    ? "this service consumes no stream " + stream
                    : "this service does not consume stream " + stream + " in group " + group);
        }
        if (matches.size() > 1) {
            throw ProblemException.invalid("group", "stream " + stream + " is read by several groups here ("
                    + matches.stream().map(StreamConsumers.Consumed::group).toList() + "); name one");
        }
        return matches.get(0);
    }

    private static Entry entry(StreamMessage<String, String, String> m) {
        Map<String, String> f = m.payload();
        return new Entry(m.id(), f.get(DeadLetterFields.ORIGINAL_ID), f.get(DeadLetterFields.REASON),
                number(f.get(DeadLetterFields.DELIVERIES)), number(f.get(DeadLetterFields.POISON_FAILURES)),
                number(f.get(DeadLetterFields.EXCUSED_DELIVERIES)),
                Instant.ofEpochMilli(Long.parseLong(m.id().substring(0, m.id().indexOf('-')))),
                !"true".equals(f.get(DeadLetterFields.INSPECTION_COPY)), original(f));
    }

    private static Map<String, String> original(Map<String, String> fields) {
        Map<String, String> out = new LinkedHashMap<>(fields);
        out.keySet().removeAll(DeadLetterFields.ALL);
        return out;
    }

    private static Long number(String value) {
        try {
            return value == null ? null : Long.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
