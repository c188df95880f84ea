package io.vigil.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small JSON-over-HTTP client for the system tests; a connection failure is status -1, not an exception. */
public final class Http {

    public record Reply(int status, JsonNode json) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private Http() {
    }

    public static Reply send(String method, String url, String auth, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", auth).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body)));
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? MAPPER.nullNode() : readOrText(response.body());
            return new Reply(response.statusCode(), json);
        } catch (IOException e) {
            return new Reply(-1, MAPPER.nullNode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, MAPPER.nullNode());
        }
    }

    private static JsonNode readOrText(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException notJson) {
            return MAPPER.getNodeFactory().textNode(body);
        }
    }
}
