package io.vigil.common.redis;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.StartupEvent;

/**
 * Creates the default Redis data sources on the main thread before any other start-up work. Quarkus'
 * {@code RedisClientRecorder} caches them in a plain {@code HashMap} ({@code computeIfAbsent}), so the blocking and
 * the reactive one created at the same time on two threads (the scheduler's first tick or a consumer thread while the
 * extension's own start-up observer creates the other) failed one start-up with a
 * {@code ConcurrentModificationException}. Priority: before the scheduler starts ({@code PLATFORM_BEFORE}) and before
 * any Vigil observer starts a thread.
 */
@ApplicationScoped
public class RedisDataSources {

    void create(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent event, RedisDataSource blocking,
            ReactiveRedisDataSource reactive) {
        // client proxies: the first call creates each bean (the blocking one wraps the reactive one's cache entry)
        blocking.getReactive();
        reactive.getRedis();
    }
}
