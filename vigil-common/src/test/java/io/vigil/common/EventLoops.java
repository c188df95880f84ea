package io.vigil.common;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.vertx.core.Context;
import io.vertx.core.Future;

/** Runs a Vert.x call on an event loop, as the request paths make it, and waits for its result (tests only). */
final class EventLoops {

    private EventLoops() {
    }

    static <T> T call(Context eventLoop, Supplier<Future<T>> call) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        eventLoop.runOnContext(v -> call.get().onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result.get(10, TimeUnit.SECONDS);
    }
}
