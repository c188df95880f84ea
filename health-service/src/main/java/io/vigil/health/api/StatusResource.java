package io.vigil.health.api;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;
import io.vigil.health.domain.FleetStatus;
import io.vigil.health.domain.State;
import io.vigil.health.probe.ResourceMonitor;
import io.vigil.health.schedule.CheckScheduler;

/** Current status of every target, group and the fleet, from Redis: every replica answers the same. */
@Path("/api/v1/status")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "status")
public class StatusResource {

    /** The fleet: overall state with the reasons, each group, each target, and this service's own resources. */
    public record Status(State overall, List<String> reasons, String generatedAt, List<GroupStatus> groups,
            List<TargetStatus> targets, ResourceMonitor.Report self) {
    }

    public record GroupStatus(String name, State status, List<String> reasons, List<String> targets) {

        static GroupStatus of(FleetStatus.Group g) {
            return new GroupStatus(g.name(), g.status(), g.reasons(),
                    g.entries().stream().map(e -> e.target().name()).toList());
        }
    }

    private final CheckScheduler scheduler;
    private final ResourceMonitor resources;

    public StatusResource(CheckScheduler scheduler, ResourceMonitor resources) {
        this.scheduler = scheduler;
        this.resources = resources;
    }

    @GET
    @RolesAllowed(Roles.READER)
    @Operation(summary = "Every target's state (blockedBy for UNREACHABLE ones), each group's and the overall status")
    public Status status() {
        FleetStatus fleet = scheduler.status();
        return new Status(fleet.overall(), fleet.reasons(), Instant.now().toString(),
                fleet.groups().stream().map(GroupStatus::of).toList(),
                fleet.entries().stream().map(TargetStatus::of).toList(), resources.report());
    }

    @GET
    @Path("/targets/{name}")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "One target's status")
    public TargetStatus target(@PathParam("name") String name) {
        FleetStatus.Entry e = scheduler.status().entry(name);
        if (e == null) {
            throw ProblemException.notFound("no target " + name);
        }
        return TargetStatus.of(e);
    }

    @GET
    @Path("/groups/{group}")
    @RolesAllowed(Roles.READER)
    @Operation(summary = "One group's status and its targets")
    public GroupStatus group(@PathParam("group") String group) {
        FleetStatus.Group g = scheduler.status().group(group);
        if (g == null) {
            throw ProblemException.notFound("no group " + group);
        }
        return GroupStatus.of(g);
    }
}
