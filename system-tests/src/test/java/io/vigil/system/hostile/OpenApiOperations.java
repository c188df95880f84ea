package io.vigil.system.hostile;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads the operations of a running service from its own OpenAPI document ({@code /q/openapi}). */
public final class OpenApiOperations {

    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

    private OpenApiOperations() {
    }

    public static List<Operation> of(String baseUrl) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/q/openapi?format=json")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode doc = new ObjectMapper().readTree(response.body());
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                JsonNode op = path.getValue().path(method);
                if (op.isMissingNode()) {
                    continue;
                }
                List<Operation.Param> params = new ArrayList<>();
                addParams(doc, path.getValue().path("parameters"), params);
                addParams(doc, op.path("parameters"), params);
                JsonNode body = inline(doc, op.path("requestBody").path("content").path("application/json").path("schema"), 0);
                operations.add(new Operation(method.toUpperCase(Locale.ROOT), path.getKey(), params, body,
                        op.path("security").isMissingNode() ? "public" : "secured"));
            }
        }
        return operations;
    }

    private static void addParams(JsonNode doc, JsonNode list, List<Operation.Param> into) {
        for (JsonNode p : list) {
            JsonNode param = resolve(doc, p);
            into.add(new Operation.Param(param.path("name").asText(), param.path("in").asText(),
                    resolve(doc, param.path("schema"))));
        }
    }

    /** A copy of {@code node} with every local reference replaced by what it points to (recursion cut at depth 6). */
    static JsonNode inline(JsonNode doc, JsonNode node, int depth) {
        JsonNode resolved = resolve(doc, node);
        if (depth > 6 || !resolved.isContainerNode()) {
            return resolved;
        }
        if (resolved.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            resolved.forEach(item -> copy.add(inline(doc, item, depth + 1)));
            return copy;
        }
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        resolved.fields().forEachRemaining(e -> copy.set(e.getKey(), inline(doc, e.getValue(), depth + 1)));
        return copy;
    }

    /** Follows a local {@code $ref} ({@code #/components/schemas/X}); anything else is returned as it is. */
    static JsonNode resolve(JsonNode doc, JsonNode node) {
        for (int depth = 0; depth < 10 && node.has("$ref"); depth++) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                return MissingNode.getInstance();
            }
            node = doc.at(ref.substring(1));
        }
        return node;
    }
}
