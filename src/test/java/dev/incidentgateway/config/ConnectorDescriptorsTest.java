package dev.incidentgateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ConnectorDescriptors#isOn}: the connectors' on/off rule, reading {@code enabled} once. */
class ConnectorDescriptorsTest {
    private static final List<String> NEEDS = List.of("VENDOR_TOKEN");
    private static final Map<String, String> SET = Map.of("VENDOR_TOKEN", "t");

    /** A descriptor that counts the reads of its {@code enabled} field. */
    private static final class Counted extends ObjectNode {
        int enabledReads;

        Counted(String enabled) {
            super(JsonNodeFactory.instance);
            if (enabled != null) {
                put("enabled", enabled);
            }
        }

        @Override
        public JsonNode path(String field) {
            enabledReads += field.equals("enabled") ? 1 : 0;
            return super.path(field);
        }
    }

    private static boolean isOn(Counted d, Map<String, String> env) {
        boolean on = ConnectorDescriptors.isOn("vendor", d, NEEDS, env);
        assertThat(d.enabledReads).as("enabled is read once").isEqualTo(1);
        return on;
    }

    @Test
    void offWhenSwitchedOffOnWhenSwitchedOnOtherwiseOnlyWithItsVariables() {
        assertThat(isOn(new Counted("false"), SET)).isFalse();
        assertThat(isOn(new Counted("true"), SET)).isTrue();
        assertThat(isOn(new Counted(null), SET)).isTrue();
        assertThat(isOn(new Counted(null), Map.of())).isFalse();
        assertThatThrownBy(() -> isOn(new Counted("true"), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("enabled: true but VENDOR_TOKEN is not set");
        assertThatThrownBy(() -> isOn(new Counted("yes"), SET)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("enabled must be true or false, got 'yes'");
    }

    /** Issue: a GATEWAY_CONNECTORS_DIR that does not exist was accepted, silently dropping the operator's own sources. */
    @Test
    void aConnectorsDirThatWasSetMustExistTheDefaultNeedNot(@TempDir Path tmp) {
        String missing = tmp.resolve("nope").toString();
        assertThatThrownBy(() -> ConnectorDescriptors.loadConfigured(GatewayConfig.load(Map.of("GATEWAY_CONNECTORS_DIR", missing),
                Map.of()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("connectors.dir (env GATEWAY_CONNECTORS_DIR): directory not found: " + missing);
        assertThatThrownBy(() -> ConnectorDescriptors.loadConfigured(GatewayConfig.load(Map.of(), Map.of("connectors.dir", missing))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("directory not found");
        assertThat(ConnectorDescriptors.loadConfigured(GatewayConfig.load(Map.of("GATEWAY_CONNECTORS_DIR", tmp.toString()), Map.of())))
                .containsKeys("slack", "alertmanager");
    }

    @Test
    void aKeyLeftAtItsDefaultIsNotExplicitEvenInACopyWithOtherKeysReplaced() {
        GatewayConfig defaults = GatewayConfig.load(Map.of(), Map.of());
        assertThat(defaults.isExplicit(RouteSettings.CONNECTORS_DIR)).isFalse();
        GatewayConfig copy = defaults.with(Map.of(HttpSettings.HTTP_PORT, "0"));
        assertThat(copy.isExplicit(RouteSettings.CONNECTORS_DIR)).isFalse();
        assertThat(copy.isExplicit(HttpSettings.HTTP_PORT)).isTrue();
        assertThat(defaults.with(Map.of(RouteSettings.CONNECTORS_DIR, "x")).isExplicit(RouteSettings.CONNECTORS_DIR)).isTrue();
        assertThat(GatewayConfig.load(Map.of("GATEWAY_CONNECTORS_DIR", "connectors"), Map.of())
                .isExplicit(RouteSettings.CONNECTORS_DIR)).isTrue();
    }
}
