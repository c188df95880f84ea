package io.vigil.common.problem;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 7807 problem detail, the body of every Vigil error response ({@code application/problem+json}).
 *
 * @param errors the offending fields of a validation failure, empty otherwise
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(URI type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One rejected field: a JSON path such as {@code samples[3].durationMs}, and why. */
    @RegisterForReflection
    public record FieldError(String field, String message) {
    }
}
