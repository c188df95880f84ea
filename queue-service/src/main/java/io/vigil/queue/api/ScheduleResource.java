package io.vigil.queue.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;
import io.vigil.queue.domain.Priority;
import io.vigil.queue.store.QueueRegistry;
import io.vigil.queue.store.RecurringJobs;
import io.vigil.queue.store.RecurringJobs.Schedule;

/** Recurring jobs of a queue: one job per occurrence, one at a time, whatever the number of replicas. */
@Path("/api/v1/queues/{queue}/schedules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "schedules")
public class ScheduleResource {

    private final RecurringJobs recurring;
    private final QueueRegistry registry;
    private final JobMapper jobs;

    public ScheduleResource(RecurringJobs recurring, QueueRegistry registry, JobMapper jobs) {
        this.recurring = recurring;
        this.registry = registry;
        this.jobs = jobs;
    }

    @GET
    @RolesAllowed(Roles.READER)
    @Operation(summary = "The queue's recurring jobs with their next run")
    public List<Schedule> list(@PathParam("queue") String queue) {
        registry.get(queue);
        return recurring.list(queue);
    }

    @PUT
    @Path("/{name}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create or replace a recurring job (cron or everyMs)")
    public RestResponse<Schedule> put(@PathParam("queue") String queue, @PathParam("name") String name,
            @Valid @NotNull ScheduleRequest request) {
        registry.get(queue);
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw ProblemException.invalid("name", "must match [A-Za-z0-9._-]{1,100}");
        }
        boolean hasCron = request.cron() != null && !request.cron().isBlank();
        if (hasCron == (request.everyMs() != null)) {
            throw ProblemException.invalid("cron", "give exactly one of cron or everyMs");
        }
        if (hasCron) {
            RecurringJobs.validateCron(request.cron());
        }
        String payload = jobs.json(request.payload());
        Schedule saved = recurring.save(queue, new Schedule(name, hasCron ? request.cron() : null,
                request.everyMs() == null ? 0 : request.everyMs(), Priority.parse(request.priority()),
                request.maxAttempts() == null ? 0 : request.maxAttempts(),
                request.timeoutMs() == null ? 0 : request.timeoutMs(), payload, 0, null));
        return RestResponse.ok(saved);
    }

    @DELETE
    @Path("/{name}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a recurring job (jobs already enqueued stay)")
    public RestResponse<Void> delete(@PathParam("queue") String queue, @PathParam("name") String name) {
        recurring.delete(queue, name);
        return RestResponse.noContent();
    }
}
