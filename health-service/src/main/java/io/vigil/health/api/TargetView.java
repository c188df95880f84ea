package io.vigil.health.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.vigil.common.redact.Redact;
import io.vigil.health.domain.Target;
import io.vigil.health.domain.TargetSpec;

/**
 * A target with every default filled in, and where it comes from: {@code config}, {@code service} or {@code api}.
 * Only an admin (who may replace the target, and so must be able to read back what it holds) sees its secrets; other
 * roles get the URL without credentials and query values, header names without values, and no request body.
 */
public record TargetView(@JsonUnwrapped TargetSpec spec, String source) {

    static TargetView of(Target t, boolean admin) {
        TargetSpec s = t.spec();
        if (!admin) {
            s = new TargetSpec(s.name(), s.type(), Redact.url(s.url()), s.group(), s.method(),
                    Redact.headerValues(s.headers()), Redact.body(s.body()), s.expectedStatus(), s.followRedirects(),
                    s.intervalMs(), s.timeoutMs(), s.failureThreshold(), s.successThreshold(), s.conditions(),
                    s.softConditions(), s.dependsOn(), s.labels());
        }
        return new TargetView(s, t.source());
    }
}
