package io.vigil.system.hostile;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** One operation of a service's OpenAPI document: method, path template, its parameters and request body schema. */
public record Operation(String method, String path, List<Param> params, JsonNode bodySchema, String role) {

    public record Param(String name, String in, JsonNode schema) {
    }

    public boolean mutates() {
        return !method.equals("GET") && !method.equals("HEAD");
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
