package io.vigil.metrics.otlp;

import java.util.List;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;

/** Looks up OTLP attributes by semantic-convention name, the current name first, then older ones. */
final class Attributes {

    private Attributes() {
    }

    static AnyValue find(List<KeyValue> attributes, String... keys) {
        for (String key : keys) {
            for (KeyValue kv : attributes) {
                if (kv.getKey().equals(key)) {
                    return kv.getValue();
                }
            }
        }
        return null;
    }

    /** The value as text (numbers and booleans too), or null when absent or empty. */
    static String string(List<KeyValue> attributes, String... keys) {
        AnyValue v = find(attributes, keys);
        if (v == null) {
            return null;
        }
        String text = switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> null;
        };
        return text == null || text.isBlank() ? null : text;
    }

    /** An integer attribute (sent as int, or as a numeric string by some SDKs), or null. */
    static Long integer(List<KeyValue> attributes, String... keys) {
        AnyValue v = find(attributes, keys);
        if (v == null) {
            return null;
        }
        return switch (v.getValueCase()) {
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> (long) v.getDoubleValue();
            case STRING_VALUE -> v.getStringValue().matches("\\d{1,9}") ? Long.parseLong(v.getStringValue()) : null;
            default -> null;
        };
    }
}
