package io.vigil.common.problem;

import java.net.URI;
import java.util.Comparator;
import java.util.List;

import jakarta.ws.rs.Priorities;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vigil.common.health.Dependencies;
import io.vigil.common.problem.Problem.FieldError;

/**
 * Turns every failure of a REST call into {@code application/problem+json}: client errors name what was wrong, server
 * errors never show a stack trace (it goes to the log, with the request id).
 */
public class ProblemMapper {

    private final Dependencies dependencies;

    public ProblemMapper(Dependencies dependencies) {
        this.dependencies = dependencies;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(e.status(), e.title(), e.getMessage(), uri, e.errors());
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field))
                .toList();
        return respond(400, "Validation failed", errors.size() + " invalid field(s)", uri, errors);
    }

    // Ahead of quarkus-rest-jackson's built-in MismatchedInputException mapper, which answers plain JSON.
    @ServerExceptionMapper(value = { JsonProcessingException.class, MismatchedInputException.class },
            priority = Priorities.USER - 100)
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        String field = e instanceof JsonMappingException m ? pathOf(m) : "";
        String message = e.getOriginalMessage();
        return respond(400, "Malformed request body", message, uri,
                field.isEmpty() ? List.of() : List.of(new FieldError(field, message)));
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        Response response = respond(401, "Unauthorized",
                "send a valid API key as 'Authorization: Bearer <key>'", uri, List.of());
        return Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(403, "Forbidden", "the API key's role does not allow this operation", uri, List.of());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadable(unreadable, uri);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            Log.errorf(e, "request %s failed", uri.getPath());
        }
        return respond(status, e.getResponse().getStatusInfo().getReasonPhrase(), e.getMessage(), uri, List.of());
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        Log.errorf(e, "request %s failed", uri.getPath());
        dependencies.sawFailure(e);
        return respond(500, "Internal server error", "the request failed; see the service log for its request id",
                uri, List.of());
    }

    static Response respond(int status, String title, String detail, UriInfo uri, List<FieldError> errors) {
        Problem problem = new Problem(URI.create("about:blank"), title, status, detail,
                uri == null ? null : uri.getPath(), errors);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        // "ingest.arg0.samples[2].durationMs" -> "samples[2].durationMs": drop the method and parameter nodes.
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.", 3);
        return parts.length == 3 ? parts[2] : parts[parts.length - 1];
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
