package io.vigil.common.console;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.identity.SecurityIdentity;
import io.vigil.common.security.Roles;

/**
 * Which role the presented API key has, so a console shows only the actions that role may take. Public: without a key
 * the answer is "anonymous"; an unknown key is a 401 like everywhere else.
 */
@Path("/api/v1/whoami")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "console")
public class WhoAmIResource {

    @Schema(description = "The caller: role is admin, writer, reader or null (no key); principal names the key by a "
            + "digest prefix, never the key")
    public record WhoAmI(String role, String principal) {
    }

    private final SecurityIdentity identity;

    public WhoAmIResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @GET
    @PermitAll
    @Operation(summary = "The role of the presented API key (public)")
    public WhoAmI whoami() {
        if (identity.isAnonymous()) {
            return new WhoAmI(null, null);
        }
        String role = identity.hasRole(Roles.ADMIN) ? Roles.ADMIN
                : identity.hasRole(Roles.WRITER) ? Roles.WRITER
                : identity.hasRole(Roles.READER) ? Roles.READER : null;
        return new WhoAmI(role, identity.getPrincipal().getName());
    }
}
