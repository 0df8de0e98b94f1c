package dev.incidentgateway.connectors.http;

import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A YAML route's own http: or https: call (a chat webhook) gets the Java sinks' timeouts and no HttpClient retries. */
class CamelHttpDefaultsTest {
    private Main main;
    private CamelContext camel;

    @BeforeEach
    void startCamelMainAsTheGatewayConfiguresIt() throws Exception {
        main = new Main();
        CamelHttpDefaults.mainProperties().forEach(main::addInitialProperty);
        main.start();
        camel = main.getCamelContext();
    }

    @AfterEach
    void stop() throws Exception {
        main.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://chat.example.com/hooks/xyz?key=a&token=b", "http://chat.example.com/hooks/xyz"})
    void anEndpointOfARouteTimesOutAsTheSinksDo(String uri) {
        HttpEndpoint endpoint = camel.getEndpoint(uri, HttpEndpoint.class);

        assertThat(endpoint.getConnectTimeout()).as("connect").isEqualTo(5_000);
        assertThat(endpoint.getConnectionRequestTimeout()).as("pool lease").isEqualTo(5_000);
        assertThat(endpoint.getResponseTimeout()).as("response").isEqualTo(30_000);
        String scheme = uri.substring(0, uri.indexOf(':'));
        assertThat(camel.getComponent(scheme, HttpComponent.class).isAutomaticRetriesDisabled()).as(scheme).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https", "http"})
    void aRouteMayStillSetItsOwn(String scheme) {
        HttpEndpoint endpoint = camel.getEndpoint(scheme + "://slow.example.com/x?responseTimeout=120000", HttpEndpoint.class);

        assertThat(endpoint.getResponseTimeout()).isEqualTo(120_000);
        assertThat(endpoint.getConnectTimeout()).isEqualTo(5_000);
    }
}
