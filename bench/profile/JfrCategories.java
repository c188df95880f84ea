import java.nio.file.Path;
import java.util.*;
import jdk.jfr.consumer.*;

/**
 * Where a request's CPU goes, by category, from a JFR recording (issue 19, cache-service): each execution sample of an
 * event-loop or executor thread goes to the first of the leaf categories (SHA-256, UUID, regex, Micrometer, the
 * metrics URI template, context-propagation capture, JSON, Caffeine, response write, Redis client, socket read) with
 * a frame on its stack, else to the innermost wrapper category (authentication, authorization, service code,
 * RESTEasy, Mutiny, CDI, routing, HTTP parsing, netty). Samples of other threads count as "JIT/GC/other threads".
 * Usage: java bench/profile/JfrCategories.java recording.jfr
 */
public class JfrCategories {
    public static void main(String[] a) throws Exception {
        String[][] cats = {
            {"JIT/GC/other threads", null},
            {"SHA-256 (API key)", "MessageDigest|sun.security.provider.SHA|DigestBase"},
            {"UUID.randomUUID (SecureRandom)", "java.util.UUID.randomUUID"},
            {"regex", "java.util.regex"},
            {"Micrometer HTTP/metrics", "io.micrometer|io.quarkus.micrometer"},
            {"URI template for metrics (RESTEasy RequestMapper)", "ObservabilityIntegrationRecorder|ObservabilityHandler"},
            {"context propagation capture/restore", "SlowCapturedContextState|SlowActiveContextState|ThreadContextProviderPlan|SmallRyeThreadContext.captureContext|com.arjuna|narayana|ContextProvider"},
            {"JSON", "com.fasterxml.jackson"},
            {"Caffeine L1", "com.github.benmanes"},
            {"response write (end, headers, flush)", "Http1xServerResponse|ServerSerialisers|VertxResteasyReactiveRequestContext.end"},
            {"Redis client (send, reply parse)", "io.vertx.redis|io.quarkus.redis|io.vertx.mutiny.redis"},
            {"socket read / epoll", "sun.nio|NioEventLoop.select"},
            // innermost of these wins
            {"authentication (Bearer + identity)", "HttpAuthenticator|BearerApiKeyMechanism|ApiKeyIdentityProvider|IdentityProviderManager|AuthenticationHandler"},
            {"authorization (permission policy, @RolesAllowed)", "HttpAuthorizer|HttpSecurityPolicy|SecurityCheck|SecurityHandler|EagerSecurity|SecurityInterceptor"},
            {"cache-service code", "io.vigil.cache"},
            {"vigil-common code", "io.vigil.common"},
            {"RESTEasy Reactive (matching, handlers)", "org.jboss.resteasy.reactive|io.quarkus.resteasy.reactive"},
            {"Mutiny (+ context wrappers)", "io.smallrye.mutiny|io.smallrye.context"},
            {"ArC/CDI", "io.quarkus.arc"},
            {"Vert.x web routing / Quarkus HTTP", "io.vertx.ext.web|io.quarkus.vertx.http"},
            {"request parse (HTTP codec, Vert.x conn)", "io.netty.handler.codec|io.vertx.core.http|io.vertx.core.net"},
            {"netty loop / buffers", "io.netty|io.vertx"},
            {"other", "."},
        };
        int firstInner = 12;
        int[] counts = new int[cats.length];
        int all = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) continue;
            all++;
            String t = e.getThread("sampledThread") == null ? "" : String.valueOf(e.getThread("sampledThread").getJavaName());
            if (!t.startsWith("vert.x-eventloop") && !t.startsWith("executor-thread")) { counts[0]++; continue; }
            int hit = -1;
            outer:
            for (int i = 1; i < firstInner; i++) {
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    String n = f.getMethod().getType().getName() + "." + f.getMethod().getName();
                    if (java.util.regex.Pattern.compile(cats[i][1]).matcher(n).find()) { hit = i; break outer; }
                }
            }
            if (hit < 0) {
                outer2:
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    String n = f.getMethod().getType().getName() + "." + f.getMethod().getName();
                    for (int i = firstInner; i < cats.length; i++) {
                        if (java.util.regex.Pattern.compile(cats[i][1]).matcher(n).find()) { hit = i; break outer2; }
                    }
                }
            }
            counts[hit < 0 ? cats.length - 1 : hit]++;
        }
        System.out.printf("%d samples%n", all);
        Integer[] idx = new Integer[cats.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        final int tot = all;
        Arrays.sort(idx, (x, y) -> counts[y] - counts[x]);
        for (int i : idx) if (counts[i] > 0) System.out.printf("%5.1f%%  %s%n", 100.0 * counts[i] / tot, cats[i][0]);
    }
}
