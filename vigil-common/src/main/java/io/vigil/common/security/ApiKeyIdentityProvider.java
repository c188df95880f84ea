package io.vigil.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Checks a bearer API key against the configured ones. Keys are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual} over every configured key, so the time taken says nothing about how close a guess was.
 * The principal is a digest prefix, never the key.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private record Key(byte[] digest, String role) {
    }

    private final List<Key> keys = new ArrayList<>();

    public ApiKeyIdentityProvider(ApiKeyConfig config) {
        config.readerKeys().orElse(List.of()).forEach(k -> keys.add(new Key(sha256(k), Roles.READER)));
        config.writerKeys().orElse(List.of()).forEach(k -> keys.add(new Key(sha256(k), Roles.WRITER)));
        config.adminKeys().orElse(List.of()).forEach(k -> keys.add(new Key(sha256(k), Roles.ADMIN)));
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        byte[] presented = sha256(request.getToken().getToken());
        // Every configured key is compared (constant time); a key listed under several roles gets the highest.
        String role = null;
        for (Key key : keys) {
            if (MessageDigest.isEqual(key.digest(), presented) && Roles.rank(key.role()) > Roles.rank(role)) {
                role = key.role();
            }
        }
        if (role == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("unknown API key"));
        }
        String principal = "key:" + HexFormat.of().formatHex(presented, 0, 4);
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(() -> principal)
                .addRoles(Roles.grantedBy(role))
                .build());
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
