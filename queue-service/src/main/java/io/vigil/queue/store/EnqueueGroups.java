package io.vigil.queue.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vigil.queue.config.QueueServiceConfig;
import io.vigil.queue.domain.Enqueued;
import io.vigil.queue.domain.NewJob;

/**
 * Group commit for single enqueues: the jobs of one queue that arrive in the same turn of the event loop (the HTTP
 * requests read in one wake-up) go to Redis as one run of {@code enqueue.lua}, one round trip and one PUBLISH for all
 * of them, and each request gets its own job's result. A lone request is sent at the end of its event-loop turn, so it
 * waits for nothing. Safe to group because the script either fails before writing anything (NOQUEUE: the whole group
 * is retried once the queue is recreated, exactly as one request would be) or enqueues every job; the jobs stay in
 * arrival order, so FIFO and idempotency keys behave as if they had come one by one.
 */
@ApplicationScoped
public class EnqueueGroups {

    private static final class Group {
        final List<NewJob> jobs = new ArrayList<>();
        final List<UniEmitter<? super Enqueued>> waiting = new ArrayList<>();
    }

    private final QueueStore store;
    private final int maxJobs;
    private final Map<String, Group> open = new HashMap<>();

    public EnqueueGroups(QueueStore store, QueueServiceConfig config) {
        this.store = store;
        this.maxJobs = config.maxBatch();
    }

    public Uni<Enqueued> enqueue(String queue, NewJob job) {
        return Uni.createFrom().emitter(em -> add(queue, job, em));
    }

    private void add(String queue, NewJob job, UniEmitter<? super Enqueued> em) {
        Group group;
        boolean first = false;
        synchronized (open) {
            group = open.get(queue);
            if (group == null || group.jobs.size() >= maxJobs) {
                group = new Group();
                open.put(queue, group);
                first = true;
            }
            group.jobs.add(job);
            group.waiting.add(em);
        }
        if (first) {
            Group g = group;
            Context context = Vertx.currentContext();
            if (context != null && Context.isOnEventLoopThread()) {
                context.runOnContext(x -> flush(queue, g));
            } else {
                flush(queue, g);
            }
        }
    }

    private void flush(String queue, Group group) {
        synchronized (open) {
            open.remove(queue, group);
        }
        store.enqueue(queue, group.jobs).subscribe().with(results -> {
            for (int i = 0; i < group.waiting.size(); i++) {
                group.waiting.get(i).complete(results.get(i));
            }
        }, failure -> group.waiting.forEach(em -> em.fail(failure)));
    }
}
