package io.vigil.metrics.api;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.vigil.common.problem.Problem.FieldError;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;
import io.vigil.metrics.domain.Sample;
import io.vigil.metrics.domain.SampleBatchReader;
import io.vigil.metrics.store.Aggregator;
import io.vigil.metrics.store.IngestMeters;

/** Batch ingestion of request timings. */
@Path("/api/v1/samples")
@Tag(name = "ingest")
public class SampleResource {

    static final int MAX_BATCH = 10_000;

    private final SampleBatchReader reader;
    private final Aggregator aggregator;
    private final IngestMeters meters;

    public SampleResource(SampleBatchReader reader, Aggregator aggregator, IngestMeters meters) {
        this.reader = reader;
        this.aggregator = aggregator;
        this.meters = meters;
    }

    @POST
    @RolesAllowed(Roles.WRITER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ingest a batch of request timings",
            description = "Body: a JSON array of samples (or {\"samples\": [...]}), at most 10000. Valid samples are "
                    + "stored before the answer (202); if some are invalid the valid ones are still stored and the "
                    + "answer is 207 listing the rejected ones; if none is valid the answer is 400 problem+json.")
    @RequestBody(content = @Content(schema = @Schema(implementation = SampleInput[].class)))
    @APIResponse(responseCode = "202", description = "All samples stored",
            content = @Content(schema = @Schema(implementation = IngestResult.class)))
    @APIResponse(responseCode = "207", description = "Valid samples stored, the others listed with reasons",
            content = @Content(schema = @Schema(implementation = IngestResult.class)))
    @APIResponse(responseCode = "400", description = "No valid sample (problem+json with errors[])")
    @APIResponse(responseCode = "503", description = "Redis unavailable; nothing of this batch can be relied on, retry")
    public Uni<Response> ingest(byte[] body) {
        SampleBatchReader.Result batch = reader.read(body, MAX_BATCH, System.currentTimeMillis());
        List<Sample> valid = batch.valid();
        List<IngestResult.Rejected> rejected = new ArrayList<>(batch.rejected().size());
        List<FieldError> allErrors = new ArrayList<>();
        for (SampleBatchReader.Rejected r : batch.rejected()) {
            rejected.add(new IngestResult.Rejected(r.index(), r.errors()));
            allErrors.addAll(r.errors());
        }
        if (valid.isEmpty() && rejected.isEmpty()) {
            throw ProblemException.invalid("samples", "must not be empty");
        }
        meters.samples("rest", "rejected").increment(rejected.size());
        if (valid.isEmpty()) {
            throw new ProblemException(400, "Validation failed", "no valid sample in the batch", allErrors);
        }
        return Uni.createFrom().completionStage(aggregator.record(valid))
                .onFailure().transform(e -> new ProblemException(503, "Service unavailable",
                        "the samples could not be stored (" + e.getMessage() + "); retry the batch"))
                .map(done -> {
                    meters.samples("rest", "accepted").increment(valid.size());
                    return Response.status(rejected.isEmpty() ? 202 : 207)
                            .entity(new IngestResult(valid.size(), rejected)).build();
                });
    }
}
