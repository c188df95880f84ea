package io.vigil.system.hostile;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Malformed and hostile requests for one service, generated from its OpenAPI operations: path traversal, glob and
 * control characters and unicode in names, wrong types and out-of-range values in query parameters and in each body
 * field, bad JSON, deep nesting, huge bodies, wrong content types, header injection and oversized headers. Each is
 * sent with a key that passes authentication, so it reaches validation rather than stopping at 401.
 */
public final class HostileRequests {

    /** One request, ready for {@link RawHttp#send}. */
    public record Request(Operation operation, String kind, String head, byte[] body) {
    }

    static final List<String> HOSTILE_SEGMENTS = List.of("..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2f", "..", "*",
            "a*b%3Fc%5Bd%5D", "%5B%5E%5D%5D", "%00", "%0d%0aX-Injected:%201", "%C3%BC%C3%B1%C3%AF%F0%9F%98%80",
            "%E2%80%AE%E2%80%8B", "x".repeat(2000), "%25", "%7Bid%7D", "con", "-1", "99999999999999999999999",
            "null", "%20", "%22%3E%3Cscript%3E", "'%3B--", "%FF%FE");

    static final List<String> HOSTILE_QUERY = List.of("-1", "abc", "99999999999999999999999", "1e309", "",
            "%00", "..%2F..%2F", "*", "%5B", "%C3%BC%F0%9F%98%80", "x".repeat(5000), "NaN", "true", "%0d%0a",
            "2026-13-45T99:99:99Z", "P1Y");

    private static final List<String> BAD_JSON = List.of("{", "}", "[", "{\"a\":", "{\"a\" 1}", "nul", "'x'",
            "{\"a\":1,}", "\u0000", "{\"a\":\"\\ud800\"}", "[1,2,", "{\"a\":01}", "\"unterminated", "{}{}",
            "\uFEFF{}", "{\"a\":1e999999}", "{\"__proto__\":{\"x\":1}}");

    private final Operation operation;
    private final String auth;
    private final Random random;
    private final ObjectMapper mapper = new ObjectMapper();

    public HostileRequests(Operation operation, String auth, long seed) {
        this.operation = operation;
        this.auth = auth;
        this.random = new Random(seed);
    }

    /** {@code count} requests drawn from every kind that applies to the operation. */
    public List<Request> generate(int count) {
        List<Request> out = new ArrayList<>(count);
        for (int i = 0; out.size() < count; i++) {
            Request r = switch (i % 8) {
                case 0 -> hostilePath();
                case 1 -> hostileQuery();
                case 2 -> badJson();
                case 3 -> wrongFieldType();
                case 4 -> hugeOrDeepBody();
                case 5 -> wrongContentType();
                case 6 -> headerInjection();
                default -> unicodeEverywhere();
            };
            if (r != null) {
                out.add(r);
            } else if (i > count * 16) {
                break; // the operation has nothing of some kinds (no params, no body): fill with what applies
            }
        }
        return out;
    }

    private Request hostilePath() {
        List<Operation.Param> params = params("path");
        if (params.isEmpty()) {
            return null;
        }
        Operation.Param target = params.get(random.nextInt(params.size()));
        String path = path(target.name(), pick(HOSTILE_SEGMENTS));
        return request("path " + target.name(), path + query(null, null), "application/json", validBody());
    }

    private Request hostileQuery() {
        List<Operation.Param> params = params("query");
        if (params.isEmpty()) {
            return null;
        }
        Operation.Param target = params.get(random.nextInt(params.size()));
        return request("query " + target.name(), path(null, null) + query(target.name(), pick(HOSTILE_QUERY)),
                "application/json", validBody());
    }

    private Request badJson() {
        if (!operation.mutates()) {
            return null;
        }
        return request("bad json", path(null, null), "application/json", RawHttp.utf8(pick(BAD_JSON)));
    }

    private Request wrongFieldType() {
        if (!operation.bodySchema().path("properties").isObject()) {
            return null;
        }
        ObjectNode body = (ObjectNode) example(operation.bodySchema(), 0);
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        if (fields.isEmpty()) {
            return null;
        }
        String field = pick(fields);
        JsonNode wrong = switch (random.nextInt(9)) {
            case 0 -> JsonNodeFactory.instance.textNode("not-a-" + field);
            case 1 -> JsonNodeFactory.instance.numberNode(-1);
            case 2 -> JsonNodeFactory.instance.numberNode(Long.MAX_VALUE);
            case 3 -> JsonNodeFactory.instance.arrayNode().add(1).add("two");
            case 4 -> JsonNodeFactory.instance.objectNode().put("nested", true);
            case 5 -> JsonNodeFactory.instance.nullNode();
            case 6 -> JsonNodeFactory.instance.booleanNode(true);
            case 7 -> JsonNodeFactory.instance.numberNode(new java.math.BigDecimal("1e400"));
            default -> JsonNodeFactory.instance.textNode("x".repeat(100_000));
        };
        body.set(field, wrong);
        return request("field " + field, path(null, null), "application/json", json(body));
    }

    private Request hugeOrDeepBody() {
        if (!operation.mutates()) {
            return null;
        }
        byte[] body = switch (random.nextInt(3)) {
            case 0 -> RawHttp.utf8("[".repeat(100_000) + "]".repeat(100_000)); // nesting far past any parser limit
            case 1 -> RawHttp.utf8("{\"a\":\"" + "x".repeat(3_000_000) + "\"}"); // 3 MB string
            default -> RawHttp.utf8("[" + "1,".repeat(500_000) + "1]"); // a million-element array
        };
        return request("huge or deep body", path(null, null), "application/json", body);
    }

    private Request wrongContentType() {
        if (!operation.mutates()) {
            return null;
        }
        String type = pick(List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", "application/json; charset=utf-16", "../../json", ""));
        return request("content-type " + type, path(null, null), type, validBody());
    }

    private Request headerInjection() {
        String extra = pick(List.of("X-Request-Id: abc\r\nX-Injected: 1", "X-Request-Id: " + "r".repeat(20_000),
                "X-Request-Id: \u00fc\u00f1\u00ef\ud83d\ude00", "X-Request-Id: ../../etc/passwd",
                "Accept: application/../../etc", "X-Request-Id: a\tb"));
        String head = operation.method() + " " + path(null, null) + query(null, null) + " HTTP/1.1\r\n" + "Authorization: "
                + auth + "\r\nContent-Type: application/json\r\n" + extra;
        return new Request(operation, "header injection", head, validBody());
    }

    private Request unicodeEverywhere() {
        if (!operation.bodySchema().path("properties").isObject()) {
            return hostilePath();
        }
        ObjectNode body = (ObjectNode) example(operation.bodySchema(), 0);
        body.fieldNames().forEachRemaining(f -> {
            if (body.get(f).isTextual()) {
                body.put(f, "\u00fc\u00f1\u00ef\u00e7\u00f8d\u00e9 \ud83d\ude00 \u202e\u200b" + pick(List.of("*", "?", "[", "..", "/", "{}")));
            }
        });
        return request("unicode", path(null, null), "application/json", json(body));
    }

    private Request request(String kind, String target, String contentType, byte[] body) {
        String head = operation.method() + " " + target + " HTTP/1.1\r\nAuthorization: " + auth + "\r\nAccept: */*"
                + (contentType.isEmpty() ? "" : "\r\nContent-Type: " + contentType);
        return new Request(operation, kind, head, operation.mutates() ? body : new byte[0]);
    }

    /** The operation's path with every parameter filled with a plausible value, and {@code name} with {@code raw}. */
    private String path(String name, String raw) {
        String path = operation.path();
        for (Operation.Param p : params("path")) {
            String value = p.name().equals(name) ? raw : "hostile-" + p.name().toLowerCase().replaceAll("[^a-z0-9]", "");
            path = path.replace("{" + p.name() + "}", value);
        }
        return path;
    }

    private String query(String name, String raw) {
        StringBuilder q = new StringBuilder();
        for (Operation.Param p : params("query")) {
            String value = p.name().equals(name) ? raw : null;
            if (value != null) {
                q.append(q.isEmpty() ? "?" : "&").append(URLEncoder.encode(p.name(), StandardCharsets.UTF_8)).append('=')
                        .append(value);
            }
        }
        return q.toString();
    }

    private List<Operation.Param> params(String in) {
        return operation.params().stream().filter(p -> p.in().equals(in)).toList();
    }

    private byte[] validBody() {
        JsonNode schema = operation.bodySchema();
        return schema.isMissingNode() ? new byte[0] : json(example(schema, 0));
    }

    /** A plausible value for a schema, so a single mutation tests one thing at a time. */
    JsonNode example(JsonNode schema, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (schema.has("enum") && schema.get("enum").size() > 0) {
            return schema.get("enum").get(0);
        }
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "string");
        switch (type) {
            case "object":
                ObjectNode node = f.objectNode();
                if (depth < 4) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext();) {
                        Map.Entry<String, JsonNode> e = it.next();
                        node.set(e.getKey(), example(e.getValue(), depth + 1));
                    }
                }
                return node;
            case "array":
                return depth < 4 ? f.arrayNode().add(example(schema.path("items"), depth + 1)) : f.arrayNode();
            case "integer":
                return f.numberNode(Math.max(1, schema.path("minimum").asLong(1)));
            case "number":
                return f.numberNode(Math.max(1.0, schema.path("minimum").asDouble(1.0)));
            case "boolean":
                return f.booleanNode(false);
            default:
                return "date-time".equals(schema.path("format").asText()) ? f.textNode(Instant.now().toString())
                        : f.textNode("hostile-value");
        }
    }

    private byte[] json(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
