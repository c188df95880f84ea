package io.vigil.metrics.domain;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.vigil.common.problem.Problem.FieldError;
import io.vigil.common.problem.ProblemException;

/**
 * Reads a JSON array of samples with the streaming parser (no tree per batch: ingest is the hot path) and validates
 * each element, collecting the valid samples and, per rejected element, its index and reasons.
 */
@ApplicationScoped
public class SampleBatchReader {

    /** Valid samples and rejected elements of one batch. */
    public record Result(List<Sample> valid, List<Rejected> rejected) {
    }

    public record Rejected(int index, List<FieldError> errors) {
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final SampleParser parser;

    public SampleBatchReader(SampleParser parser) {
        this.parser = parser;
    }

    /** A body that is an array, or an object with a {@code samples} array; anything else is a 400. */
    public Result read(byte[] json, int maxSamples, long nowMs) {
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                if (!seekSamples(p)) {
                    throw ProblemException.badRequest("the body must be a JSON array of samples or {\"samples\": [...]}");
                }
            } else if (first != JsonToken.START_ARRAY) {
                throw ProblemException.badRequest("the body must be a JSON array of samples or {\"samples\": [...]}");
            }
            return readArray(p, maxSamples, nowMs);
        } catch (IOException e) {
            throw new ProblemException(400, "Malformed request body", e.getMessage());
        }
    }

    /** Reads an array held as a string (the {@code samples} field of a stream entry). */
    public Result readArray(String json, long nowMs) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("samples must be a JSON array");
            }
            return readArray(p, Integer.MAX_VALUE, nowMs);
        }
    }

    private static boolean seekSamples(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if ("samples".equals(name) && value == JsonToken.START_ARRAY) {
                return true;
            }
            p.skipChildren();
        }
        return false;
    }

    private Result readArray(JsonParser p, int maxSamples, long nowMs) throws IOException {
        List<Sample> valid = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        int index = 0;
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new IOException("unexpected end of the samples array");
            }
            if (index >= maxSamples) {
                throw ProblemException.invalid("samples", "at most " + maxSamples + " samples per batch");
            }
            String path = "samples[" + index + "].";
            List<FieldError> errors = new ArrayList<>(0);
            if (token != JsonToken.START_OBJECT) {
                p.skipChildren();
                errors.add(new FieldError("samples[" + index + "]", "must be a JSON object"));
            } else {
                SampleParser.Raw raw = new SampleParser.Raw();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    raw.set(field, value(p, p.nextToken()));
                }
                Sample s = parser.parse(raw, path, nowMs, errors);
                if (s != null) {
                    valid.add(s);
                }
            }
            if (!errors.isEmpty()) {
                rejected.add(new Rejected(index, errors));
            }
            index++;
        }
        return new Result(valid, rejected);
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_NULL -> null;
            default -> {
                p.skipChildren();
                yield SampleParser.INVALID;
            }
        };
    }
}
