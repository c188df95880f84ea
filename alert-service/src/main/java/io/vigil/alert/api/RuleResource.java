package io.vigil.alert.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;
import io.vigil.alert.config.AlertConfig;
import io.vigil.alert.domain.Rule;
import io.vigil.alert.engine.RuleSet;
import io.vigil.alert.store.RuleStore;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.Roles;

/** Alert rules: CRUD, stored in MongoDB; an invalid rule is a 400 naming the field. */
@Path("/api/v1/rules")
@Blocking
public class RuleResource {

    private final RuleStore store;
    private final RuleSet rules;
    private final AlertConfig config;

    public RuleResource(RuleStore store, RuleSet rules, AlertConfig config) {
        this.store = store;
        this.rules = rules;
        this.config = config;
    }

    @GET
    @RolesAllowed(Roles.READER)
    public List<Rule> list() {
        return store.all();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.READER)
    public Rule get(@PathParam("id") String id) {
        Rule r = store.get(id);
        if (r == null) {
            throw ProblemException.notFound("no rule " + id);
        }
        return r;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    public Response create(Rule rule) {
        Rule valid = compile(rule);
        if (store.get(valid.id()) != null) {
            throw ProblemException.conflict("rule " + valid.id() + " exists; PUT /api/v1/rules/" + valid.id()
                    + " replaces it");
        }
        store.put(valid);
        rules.reload();
        return Response.status(201).entity(valid).build();
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Response put(@PathParam("id") String id, Rule rule) {
        if (rule != null && rule.id() != null && !rule.id().equals(id)) {
            throw ProblemException.invalid("id", "differs from the path");
        }
        Rule valid = compile(rule == null ? null : rule.withId(id));
        boolean created = store.put(valid);
        rules.reload();
        return Response.status(created ? 201 : 200).entity(valid).build();
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Response delete(@PathParam("id") String id) {
        if (!store.delete(id)) {
            throw ProblemException.notFound("no rule " + id);
        }
        rules.reload(); // its active alerts resolve at the next timer tick
        return Response.noContent().build();
    }

    private Rule compile(Rule rule) {
        if (rule == null) {
            throw ProblemException.badRequest("a rule JSON body is required");
        }
        return Validated.check(() -> rule.withOrigin("api").compile(config.defaultMetricsSignal()).rule());
    }
}
