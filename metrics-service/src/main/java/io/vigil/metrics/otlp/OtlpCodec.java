package io.vigil.metrics.otlp;

import java.net.URI;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import io.vigil.common.problem.Problem;

/**
 * The two OTLP/HTTP encodings: binary protobuf and OTLP's JSON mapping of the same published messages. JSON is the
 * proto3 JSON mapping (JsonFormat: camelCase or the proto names, int64 as strings or numbers, enums as integers)
 * except that trace and span ids are hex, not base64, so they are turned into base64 before JsonFormat reads them.
 */
enum OtlpCodec {
    PROTOBUF("application/x-protobuf"), JSON("application/json");

    private static final ObjectMapper TREE = new ObjectMapper();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final Set<String> ID_FIELDS = Set.of("traceId", "trace_id", "spanId", "span_id", "parentSpanId",
            "parent_span_id");
    /** Stands in for an id that is not hex: decodes to one byte, so the span is rejected for its id's length. */
    private static final String NOT_HEX = Base64.getEncoder().encodeToString(new byte[1]);

    final String mediaType;

    OtlpCodec(String mediaType) {
        this.mediaType = mediaType;
    }

    /** By the request's Content-Type; anything else is a 415. */
    static OtlpCodec of(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase();
        return switch (type) {
            case "application/x-protobuf", "application/protobuf" -> PROTOBUF;
            case "application/json" -> JSON;
            default -> throw new OtlpException(415, "Unsupported Media Type",
                    "Content-Type must be application/x-protobuf or application/json");
        };
    }

    /** Merges the body into {@code builder}; an undecodable body is a 400. */
    <B extends Message.Builder> B decode(byte[] body, B builder) {
        try {
            if (this == PROTOBUF) {
                builder.mergeFrom(body);
            } else {
                JsonNode tree = TREE.readTree(body);
                if (tree == null || !tree.isObject()) {
                    throw new OtlpException(400, "Bad Request", "the body must be a JSON object");
                }
                hexIdsToBase64(tree);
                PARSER.merge(TREE.writeValueAsString(tree), builder);
            }
            return builder;
        } catch (InvalidProtocolBufferException | JsonProcessingException | IllegalArgumentException e) {
            throw new OtlpException(400, "Bad Request", "undecodable " + mediaType + " body: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new OtlpException(400, "Bad Request", "undecodable body: " + e.getMessage());
        }
    }

    Response ok(Message answer) {
        return Response.ok(encode(answer), mediaType).build();
    }

    private Object encode(Message message) {
        if (this == PROTOBUF) {
            return message.toByteArray();
        }
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An error as the spec asks: a {@code google.rpc.Status} for protobuf clients, problem+json for JSON clients.
     */
    Response error(int status, String title, String detail, String path, Map<String, String> headers) {
        Response.ResponseBuilder answer = Response.status(status);
        headers.forEach(answer::header);
        if (this == PROTOBUF) {
            com.google.rpc.Status rpc = com.google.rpc.Status.newBuilder().setCode(grpcCode(status))
                    .setMessage(detail).build();
            return answer.type(mediaType).entity(rpc.toByteArray()).build();
        }
        return answer.type(Problem.MEDIA_TYPE)
                .entity(new Problem(URI.create("about:blank"), title, status, detail, path, List.of())).build();
    }

    private static int grpcCode(int httpStatus) {
        return switch (httpStatus) {
            case 401 -> com.google.rpc.Code.UNAUTHENTICATED_VALUE;
            case 403 -> com.google.rpc.Code.PERMISSION_DENIED_VALUE;
            case 413, 429 -> com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE;
            case 503 -> com.google.rpc.Code.UNAVAILABLE_VALUE;
            default -> httpStatus >= 500 ? com.google.rpc.Code.INTERNAL_VALUE
                    : com.google.rpc.Code.INVALID_ARGUMENT_VALUE;
        };
    }

    private static void hexIdsToBase64(JsonNode node) {
        if (node.isArray()) {
            node.forEach(OtlpCodec::hexIdsToBase64);
        } else if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                if (value.isTextual() && ID_FIELDS.contains(field.getKey())) {
                    field.setValue(TextNode.valueOf(base64(value.asText())));
                } else if (value.isContainerNode()) {
                    hexIdsToBase64(value);
                }
            }
        }
    }

    private static String base64(String hex) {
        if (hex.isEmpty()) {
            return hex;
        }
        try {
            return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            return NOT_HEX;
        }
    }
}
