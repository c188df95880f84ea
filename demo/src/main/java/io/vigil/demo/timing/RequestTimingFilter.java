package io.vigil.demo.timing;

import java.lang.reflect.Method;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.vigil.demo.DemoConfig;

/**
 * Times every request to the shop's API and hands it to the {@link SampleReporter}, labelled with the route template
 * ({@code /shop/products/{id}}, not the raw path), as metrics-service expects to keep cardinality bounded.
 */
public class RequestTimingFilter {

    private static final String START = "demo.start";

    private final SampleReporter reporter;
    private final DemoConfig config;

    public RequestTimingFilter(SampleReporter reporter, DemoConfig config) {
        this.reporter = reporter;
        this.config = config;
    }

    @ServerRequestFilter
    public void start(ContainerRequestContext request) {
        request.setProperty(START, System.nanoTime());
    }

    @ServerResponseFilter
    public void finish(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource) {
        Object start = request.getProperty(START);
        String template = template(resource);
        if (!(start instanceof Long nanos) || template == null || !template.startsWith("/shop")) {
            return; // only the shop's own API is measured, not the fault switches or the webhook receiver
        }
        double ms = (System.nanoTime() - nanos) / 1_000_000.0;
        reporter.record(new Sample(config.service(), template, request.getMethod(), response.getStatus(), ms,
                System.currentTimeMillis()));
    }

    private static String template(ResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null) {
            return null;
        }
        Path classPath = resource.getResourceClass().getAnnotation(Path.class);
        Method method = resource.getResourceMethod();
        Path methodPath = method == null ? null : method.getAnnotation(Path.class);
        String path = (classPath == null ? "" : classPath.value()) + (methodPath == null ? "" : "/" + methodPath.value());
        return path.replaceAll("/+", "/");
    }
}
