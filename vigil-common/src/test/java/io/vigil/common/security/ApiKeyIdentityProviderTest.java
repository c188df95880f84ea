package io.vigil.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;

class ApiKeyIdentityProviderTest {

    record Keys(Optional<List<String>> readerKeys, Optional<List<String>> writerKeys,
            Optional<List<String>> adminKeys) implements ApiKeyConfig {
    }

    private static SecurityIdentity login(ApiKeyIdentityProvider provider, String key) {
        return provider.authenticate(new TokenAuthenticationRequest(new TokenCredential(key, "bearer")), null)
                .await().indefinitely();
    }

    @Test
    void aKeyListedUnderSeveralRolesGetsTheHighest() {
        // In every order of configuration: the role lists are read reader, writer, admin.
        ApiKeyIdentityProvider provider = new ApiKeyIdentityProvider(new Keys(Optional.of(List.of("shared", "r")),
                Optional.of(List.of("shared", "both")), Optional.of(List.of("shared"))));
        assertThat(login(provider, "shared").getRoles()).containsExactlyInAnyOrder(Roles.ADMIN, Roles.WRITER,
                Roles.READER);
        ApiKeyIdentityProvider readerAndWriter = new ApiKeyIdentityProvider(new Keys(Optional.of(List.of("both")),
                Optional.of(List.of("both")), Optional.empty()));
        assertThat(login(readerAndWriter, "both").getRoles()).containsExactlyInAnyOrder(Roles.WRITER, Roles.READER);
        assertThat(login(provider, "r").getRoles()).containsExactly(Roles.READER);
    }
}
