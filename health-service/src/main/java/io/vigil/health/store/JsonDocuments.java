package io.vigil.health.store;

import org.bson.Document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Records to MongoDB documents and back through their JSON form (ids under {@code _id}). */
final class JsonDocuments {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static Document toDocument(String id, Object record) {
        try {
            Document d = Document.parse(MAPPER.writeValueAsString(record));
            d.put("_id", id);
            return d;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T fromDocument(Document d, Class<T> type) {
        try {
            return MAPPER.readValue(d.toJson(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonDocuments() {
    }
}
