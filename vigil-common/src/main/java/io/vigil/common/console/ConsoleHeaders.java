package io.vigil.common.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * The consoles (static pages under {@code /}, {@code /console/} and {@code /vigil-console/}) run with a strict
 * Content-Security-Policy: scripts, styles and requests only from this origin, no inline script or style, no frames.
 * A value a user typed that slipped into the DOM as markup still could not run. Quarkus' own pages under {@code /q/}
 * (Swagger UI uses inline script) keep their defaults.
 */
@ApplicationScoped
public class ConsoleHeaders {

    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    void register(@Observes Router router) {
        router.route().order(-1000).handler(rc -> {
            String path = rc.normalizedPath();
            if (path.equals("/console")) {
                // The directory's index is served at /console/ only; relative links need the slash too.
                rc.redirect("/console/");
                return;
            }
            if (!path.startsWith("/q/")) {
                rc.response().headers()
                        .set("Content-Security-Policy", POLICY)
                        .set("X-Content-Type-Options", "nosniff")
                        .set("Referrer-Policy", "no-referrer");
            }
            rc.next();
        });
    }
}
