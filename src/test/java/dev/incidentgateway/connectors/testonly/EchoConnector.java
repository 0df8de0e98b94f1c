package dev.incidentgateway.connectors.testonly;

import dev.incidentgateway.config.ConfigKey;
import dev.incidentgateway.config.ConnectorSettings;
import dev.incidentgateway.connectors.VendorConnector;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.outbox.Delivery;
import dev.incidentgateway.outbox.DeliveryResult;
import dev.incidentgateway.outbox.Sink;
import dev.incidentgateway.outbox.SinkDescriptor;
import dev.incidentgateway.outbox.SinkFactory;

import java.util.List;
import java.util.Map;

/**
 * A connector that exists only in the test sources: one class, one line in the tests'
 * META-INF/services/dev.incidentgateway.connectors.Connector and one descriptor (src/test/resources/connectors/echo.yaml).
 * It proves a vendor is added without editing a central list.
 */
public final class EchoConnector extends VendorConnector {
    public static final ConfigKey<String> URL = ConfigKey.string("echo.url", "ECHO_URL", "",
            "Where the echo sink would send events (test only).");
    public static final ConfigKey<String> TOKEN = ConfigKey.secret("echo.token", "ECHO_TOKEN", "",
            "The echo sink's credential (test only).");

    public EchoConnector() {
        super("echo", List.of(URL, TOKEN), new EchoSinkFactory(), null);
    }

    /** The sink this connector builds: remembers where it was pointed. */
    public record EchoSink(String url, String token) implements Sink {
        @Override
        public String connector() {
            return "echo";
        }

        @Override
        public DeliveryResult deliver(Delivery delivery) {
            return new DeliveryResult.Delivered(null);
        }
    }

    static final class EchoSinkFactory implements SinkFactory {
        @Override
        public String connector() {
            return "echo";
        }

        @Override
        public List<String> requiredEnv() {
            return List.of(URL.env(), TOKEN.env());
        }

        @Override
        public Sink create(SinkDescriptor descriptor, Map<String, String> env, SinkHttpClient http) {
            return new EchoSink(ConnectorSettings.text(URL, env), ConnectorSettings.text(TOKEN, env));
        }
    }
}
