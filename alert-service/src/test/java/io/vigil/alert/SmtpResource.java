package io.vigil.alert;

import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real SMTP server in-process (GreenMail) that the email receiver sends to. */
public class SmtpResource implements QuarkusTestResourceLifecycleManager {

    static volatile GreenMail mail;

    @Override
    public Map<String, String> start() {
        int port = Ports.free();
        mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        return Map.of("quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port", Integer.toString(port),
                "quarkus.mailer.mock", "false", "quarkus.mailer.start-tls", "DISABLED");
    }

    @Override
    public void stop() {
        mail.stop();
    }
}
