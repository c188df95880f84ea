package io.vigil.queue.api;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

@Schema(description = "Outbox records the archive refused (their event was published, the job is not archived): "
        + "each {record, error, at}")
public record ParkedRecords(String queue, List<JsonNode> records) {

    static ParkedRecords of(String queue, List<String> entries, ObjectMapper mapper) {
        List<JsonNode> out = new ArrayList<>(entries.size());
        for (String entry : entries) {
            try {
                out.add(mapper.readTree(entry));
            } catch (JsonProcessingException e) {
                out.add(mapper.getNodeFactory().textNode(entry));
            }
        }
        return new ParkedRecords(queue, out);
    }
}
