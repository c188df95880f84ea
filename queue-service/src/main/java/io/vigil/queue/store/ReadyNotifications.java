package io.vigil.queue.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Wakes this replica's long-polling leases when a script (on any replica) makes jobs ready: the scripts PUBLISH on
 * {@code vigil:q:{name}:notify}. If the subscription is lost (Redis restart) it is renewed; meanwhile the waiters'
 * short poll still finds the jobs.
 */
@ApplicationScoped
public class ReadyNotifications {

    private static final String PATTERN = "vigil:q:*:notify";

    private final ReactiveRedisDataSource redis;
    private final LeaseSignals signals;
    private volatile boolean subscribed;

    public ReadyNotifications(ReactiveRedisDataSource redis, LeaseSignals signals) {
        this.redis = redis;
        this.signals = signals;
    }

    void start(@Observes StartupEvent ignored) {
        subscribe();
    }

    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void keepSubscribed() {
        if (!subscribed) {
            subscribe();
        }
    }

    private void subscribe() {
        redis.pubsub(String.class).subscribeToPattern(PATTERN,
                (channel, count) -> signals.signal(queueOf(channel)),
                () -> subscribed = false,
                failure -> subscribed = false)
                .subscribe().with(s -> subscribed = true, failure -> {
                    subscribed = false;
                    Log.debugf("ready notifications unavailable: %s", failure.getMessage());
                });
    }

    static String queueOf(String channel) {
        int open = channel.indexOf('{');
        int close = channel.indexOf('}', open + 1);
        return open >= 0 && close > open ? channel.substring(open + 1, close) : channel;
    }
}
