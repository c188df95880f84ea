package io.vigil.cache.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vigil.common.problem.ProblemException;
import io.vigil.common.security.ApiKeyIdentityProvider;

/**
 * Authentication and the role check of the hot Vert.x routes (entry GET/HEAD, rate-limit decision), done in the
 * route itself instead of through Quarkus' HTTP permission policies. Issue 19's profile of an L1 hit: the lazy
 * authentication plus the permission check ran as a Mutiny chain, and with context propagation on the class path
 * every operator captured and restored the thread context (ArC, JTA): about a fifth of the request's CPU, for a
 * decision that is one map lookup.
 * <p>
 * Same keys and roles as everywhere else: the identity comes from vigil-common's {@link ApiKeyIdentityProvider}
 * (SHA-256 and a constant-time compare over every configured key). A key that resolved is remembered, keyed by a
 * hash seeded at random per process and confirmed with a constant-time compare of the whole token, so a known key
 * costs one lookup; an unknown key is never remembered and always takes the provider's constant-time path. The map
 * holds only valid keys, so it is bounded by the number of configured keys (and capped besides).
 * <p>
 * Answers like vigil-common's mapper does for JAX-RS: 401 problem+json with {@code WWW-Authenticate: Bearer}, 403
 * problem+json.
 */
@ApplicationScoped
public class RouteAuth {

    private static final String PREFIX = "Bearer ";
    private static final int MAX_REMEMBERED = 256;

    private record Known(byte[] token, Set<String> roles) {
    }

    private final ApiKeyIdentityProvider provider;
    private final ObjectMapper mapper;
    private final long seed = new SecureRandom().nextLong() | 1;
    private final ConcurrentHashMap<Long, Known> known = new ConcurrentHashMap<>();

    public RouteAuth(ApiKeyIdentityProvider provider, ObjectMapper mapper) {
        this.provider = provider;
        this.mapper = mapper;
    }

    /**
     * @return true when the request's key grants {@code role}; otherwise the 401 or 403 has been sent and the caller
     *         must stop
     */
    boolean allow(RoutingContext ctx, String role) {
        Set<String> roles = roles(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (roles == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            Problems.write(ctx, mapper, new ProblemException(401, "Unauthorized",
                    "send a valid API key as 'Authorization: Bearer <key>'"));
            return false;
        }
        if (!roles.contains(role)) {
            Problems.write(ctx, mapper, new ProblemException(403, "Forbidden",
                    "the API key's role does not allow this operation"));
            return false;
        }
        return true;
    }

    /** @return the roles of a valid key; null when the header is missing, not Bearer, or the key is unknown */
    Set<String> roles(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return null;
        }
        String token = authorization.substring(PREFIX.length()).trim();
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        long h = hash(presented);
        Known k = known.get(h);
        if (k != null && MessageDigest.isEqual(k.token(), presented)) {
            return k.roles();
        }
        Set<String> roles = resolve(token);
        if (roles != null && known.size() < MAX_REMEMBERED) {
            known.put(h, new Known(presented, roles));
        }
        return roles;
    }

    private Set<String> resolve(String token) {
        Object[] out = new Object[1];
        // the provider answers synchronously (an item or a failure, no blocking): subscribe and read it
        provider.authenticate(new TokenAuthenticationRequest(new TokenCredential(token, "bearer")), SYNC)
                .subscribe().with(identity -> out[0] = identity, failure -> out[0] = null);
        return out[0] instanceof SecurityIdentity identity && !identity.isAnonymous() ? identity.getRoles() : null;
    }

    /** A 64-bit hash of the token with a per-process random seed: nobody can aim a token at a stored one's slot. */
    private long hash(byte[] token) {
        long h = seed;
        for (byte b : token) {
            h = (h ^ (b & 0xff)) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
        }
        return h ^ token.length;
    }

    private static final AuthenticationRequestContext SYNC = new AuthenticationRequestContext() {
        @Override
        public Uni<SecurityIdentity> runBlocking(Supplier<SecurityIdentity> function) {
            return Uni.createFrom().item(function);
        }
    };
}
