package io.vigil.cache.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.MDC;

import io.quarkus.logging.Log;
import io.smallrye.faulttolerance.api.Guard;
import io.vigil.cache.config.CacheServiceConfig;
import io.vigil.common.http.RequestIds;

/**
 * Calls a namespace's loader URL (the caller's own service) for a missing key, with a timeout (the HTTP client's
 * request timeout: it abandons the exchange itself, where an interrupting guard timeout would leave the blocked
 * call behind) and guarded per namespace by a retry and a circuit breaker (SmallRye Fault Tolerance's programmatic {@link Guard}: one breaker per origin, so
 * one failing origin does not shut the others out). 404 is an answer, not a failure: it neither retries nor counts
 * against the breaker.
 */
@ApplicationScoped
public class OriginClient {

    /** The origin's value and content type. */
    public record Loaded(byte[] value, String contentType) {
    }

    /** The origin has no value for the key. */
    public static class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message, null, false, false);
        }
    }

    /** The origin failed (5xx, connection refused, timeout); retried, counted by the breaker. */
    public static class OriginFailure extends RuntimeException {
        public OriginFailure(String message) {
            super(message, null, false, false);
        }
    }

    private final CacheServiceConfig.Loader config;
    private final HttpClient http;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();

    public OriginClient(CacheServiceConfig config) {
        this.config = config.loader();
        this.http = HttpClient.newBuilder().connectTimeout(this.config.timeout()).build();
    }

    public Loaded fetch(String ns, String loaderUrl, String key) {
        return guards.computeIfAbsent(ns + "|" + loaderUrl, g -> guard(ns)).get(() -> call(loaderUrl, key),
                Loaded.class);
    }

    private Guard guard(String ns) {
        return Guard.create().withDescription("origin of namespace " + ns)
                .withRetry().maxRetries(config.maxRetries()).delay(50, ChronoUnit.MILLIS).jitter(25, ChronoUnit.MILLIS)
                .abortOn(NotFound.class).done()
                .withCircuitBreaker().requestVolumeThreshold(config.breakerVolume())
                .failureRatio(config.breakerFailureRatio())
                .delay(config.breakerDelay().toMillis(), ChronoUnit.MILLIS).skipOn(NotFound.class).done()
                .build();
    }

    private Loaded call(String loaderUrl, String key) {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
        String url = loaderUrl.contains("{key}") ? loaderUrl.replace("{key}", encoded)
                : loaderUrl.replaceAll("/+$", "") + "/" + encoded;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(config.timeout()).GET();
        Object requestId = MDC.get(RequestIds.MDC_KEY);
        if (requestId != null) {
            request.header(RequestIds.HEADER, requestId.toString());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new OriginFailure("the origin did not answer within " + config.timeout().toMillis() + " ms");
        } catch (IOException e) {
            // the URL (an internal host, maybe credentials) goes to the log, never into a 503's detail
            Log.debugf("origin %s unreachable: %s", url, e.getMessage());
            throw new OriginFailure("the origin is unreachable (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OriginFailure("origin call interrupted");
        }
        int status = response.statusCode();
        if (status == 404) {
            throw new NotFound("origin has no value for key '" + key + "'");
        }
        if (status < 200 || status > 299) {
            throw new OriginFailure("the origin answered " + status);
        }
        String type = response.headers().firstValue("Content-Type").orElse("application/octet-stream");
        return new Loaded(response.body(), type);
    }
}
