package io.vigil.metrics.domain;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;


import io.vigil.common.problem.Problem.FieldError;
import io.vigil.metrics.config.MetricsConfig;

/**
 * Validates one sample of a REST batch or a stream entry (read by {@link SampleBatchReader}), field by field, so that one bad sample is reported by name
 * instead of failing the whole batch. Numbers may also arrive as strings (stream entry fields are strings).
 */
@ApplicationScoped
public class SampleParser {

    private final long maxAgeMs;
    private final long maxSkewMs;

    public SampleParser(MetricsConfig config) {
        this.maxAgeMs = config.maxSampleAge().toMillis();
        this.maxSkewMs = config.maxClockSkew().toMillis();
    }

    /** Marks a value of the wrong JSON kind (object, array, boolean). */
    public static final Object INVALID = new Object();

    /** The raw field values of one sample as read from JSON: String, Long, Double, null or {@link #INVALID}. */
    public static final class Raw {
        public Object service;
        public Object endpoint;
        public Object method;
        public Object status;
        public Object durationMs;
        public Object timestamp;
        public Object instance;

        public void set(String field, Object value) {
            switch (field) {
                case "service" -> service = value;
                case "endpoint" -> endpoint = value;
                case "method" -> method = value;
                case "status" -> status = value;
                case "durationMs" -> durationMs = value;
                case "timestamp" -> timestamp = value;
                case "instance" -> instance = value;
                default -> {
                    // unknown fields are ignored
                }
            }
        }
    }

    /** The sample, or null with the reasons added to {@code errors} (field names prefixed by {@code path}). */
    public Sample parse(Raw raw, String path, long nowMs, List<FieldError> errors) {
        int before = errors.size();
        String service = label(raw.service, "service", 100, path, errors);
        String endpoint = label(raw.endpoint, "endpoint", 300, path, errors);
        String method = method(raw.method, path, errors);
        long status = integer(raw.status, "status", 100, 599, path, errors);
        double duration = duration(raw.durationMs, path, errors);
        long timestamp = timestamp(raw.timestamp, nowMs, path, errors);
        String instance = raw.instance instanceof String s ? s : null;
        if (raw.instance != null && (instance == null || instance.length() > 200)) {
            errors.add(new FieldError(path + "instance", "must be a string of at most 200 characters"));
        }
        if (errors.size() > before) {
            return null;
        }
        return new Sample(service, endpoint, method, (int) status, duration, timestamp, instance);
    }

    private static String label(Object value, String field, int max, String path, List<FieldError> errors) {
        if (!(value instanceof String text) || text.isBlank()) {
            errors.add(new FieldError(path + field, "must be a non-blank string"));
            return null;
        }
        text = text.strip();
        if (text.length() > max) {
            errors.add(new FieldError(path + field, "must be at most " + max + " characters"));
        } else if (text.indexOf('|') >= 0) {
            errors.add(new FieldError(path + field, "must not contain '|'"));
        }
        return text;
    }

    private static String method(Object value, String path, List<FieldError> errors) {
        String text = value instanceof String s ? s.strip() : "";
        boolean letters = !text.isEmpty() && text.length() <= 16;
        for (int i = 0; letters && i < text.length(); i++) {
            letters = Character.isLetter(text.charAt(i));
        }
        if (!letters) {
            errors.add(new FieldError(path + "method", "must be an HTTP method such as GET"));
            return null;
        }
        return isUpper(text) ? text : text.toUpperCase(Locale.ROOT);
    }

    private static boolean isUpper(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isUpperCase(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static long integer(Object value, String field, long min, long max, String path, List<FieldError> errors) {
        long n;
        if (value instanceof Long l) {
            n = l;
        } else if (value instanceof String s && s.matches("-?\\d{1,18}")) {
            n = Long.parseLong(s);
        } else {
            errors.add(new FieldError(path + field, "must be an integer between " + min + " and " + max));
            return 0;
        }
        if (n < min || n > max) {
            errors.add(new FieldError(path + field, "must be between " + min + " and " + max));
        }
        return n;
    }

    private static double duration(Object value, String path, List<FieldError> errors) {
        double d = Double.NaN;
        if (value instanceof Number n) {
            d = n.doubleValue();
        } else if (value instanceof String s) {
            try {
                d = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                d = Double.NaN;
            }
        }
        if (!(d >= 0 && d <= LatencyBins.MAX_MS)) {
            errors.add(new FieldError(path + "durationMs", "must be a number of milliseconds between 0 and 1e8"));
        }
        return d;
    }

    private long timestamp(Object value, long nowMs, String path, List<FieldError> errors) {
        if (value == null) {
            return nowMs;
        }
        long ts;
        if (value instanceof Long l) {
            ts = l;
        } else if (value instanceof String s && s.matches("\\d{1,15}")) {
            ts = Long.parseLong(s);
        } else if (value instanceof String s) {
            try {
                ts = Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException e) {
                errors.add(new FieldError(path + "timestamp", "must be ISO-8601 UTC or epoch milliseconds"));
                return 0;
            }
        } else {
            errors.add(new FieldError(path + "timestamp", "must be ISO-8601 UTC or epoch milliseconds"));
            return 0;
        }
        if (ts < nowMs - maxAgeMs) {
            errors.add(new FieldError(path + "timestamp", "is older than the accepted sample age " + maxAgeMs + " ms"));
        } else if (ts > nowMs + maxSkewMs) {
            errors.add(new FieldError(path + "timestamp", "is in the future"));
        }
        return ts;
    }

}
