package dev.incidentgateway.outbox;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link IncidentLink}: the console's incident page (console.js routes #/incidents/<id>), never the JSON API. */
class IncidentLinkTest {
    @Test
    void theConsolePageUnderGatewayPublicUrlOrNothingWithoutIt() {
        assertThat(IncidentLink.of(null, Map.of("GATEWAY_PUBLIC_URL", "https://gw.example.com")).consolePage("INC-42"))
                .isEqualTo("https://gw.example.com/#/incidents/INC-42");
        assertThat(IncidentLink.of(null, Map.of("GATEWAY_PUBLIC_URL", " https://gw.example.com/ops// ")).consolePage("SN-0010001"))
                .as("a path prefix kept, trailing slashes and blanks dropped").isEqualTo("https://gw.example.com/ops/#/incidents/SN-0010001");
        assertThat(IncidentLink.of(null, Map.of()).consolePage("INC-42")).isEmpty();
        assertThat(IncidentLink.of(null, Map.of("GATEWAY_PUBLIC_URL", " ")).consolePage("INC-42")).isEmpty();
    }
}
