package io.vigil.common.stream;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Who this process is: the service name and an instance name unique among its replicas. */
@ApplicationScoped
public class Instance {

    private final String service;
    private final String name;

    public Instance(@ConfigProperty(name = "quarkus.application.name") String service, StreamsConfig config) {
        this.service = service;
        this.name = config.instance().orElseGet(Instance::hostName);
    }

    public String service() {
        return service;
    }

    public String name() {
        return name;
    }

    /** The envelope's {@code source}: {@code service/instance}. */
    public String source() {
        return service + "/" + name;
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (UnknownHostException e) {
            return "pid-" + ProcessHandle.current().pid();
        }
    }
}
