package io.vigil.alert;

import java.io.IOException;
import java.net.ServerSocket;

/** A free loopback port for an in-test server (SMTP, queue-service stand-in). */
final class Ports {

    static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Ports() {
    }
}
