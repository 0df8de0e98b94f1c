package dev.incidentgateway.transport;

import dev.incidentgateway.Gateway;
import dev.incidentgateway.testsupport.SelfSignedCertificate;
import dev.incidentgateway.testsupport.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTPS on the gateway's own port from PEM files: a certificate the test generates, a client that trusts only
 * it, and plain HTTP on the same port getting no API answer.
 */
class TlsIT {
    @TempDir
    static Path dir;
    private static SelfSignedCertificate cert;
    private static TestStore store;
    private static Gateway gateway;

    @BeforeAll
    static void startWithTls() throws Exception {
        cert = SelfSignedCertificate.create(dir);
        store = TestStore.create(TestStore.Kind.H2);
        gateway = Gateway.create(store.config(Map.of("GATEWAY_TLS_CERT_FILE", cert.certFile().toString(),
                "GATEWAY_TLS_KEY_FILE", cert.keyFile().toString()))).start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        store.close();
    }

    @Test
    void httpsAnswersWithTheConfiguredCertificate() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(cert.trustingContext()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(health("https"), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"status\"");
        assertThat(r.headers().firstValue("Strict-Transport-Security")).as("HSTS over TLS").hasValue("max-age=31536000");
        assertThat(r.sslSession()).get().satisfies(s -> assertThat(s.getPeerCertificates()[0]).isEqualTo(cert.certificate()));
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> client.send(health("https"), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void plainHttpOnTheSamePortGetsNoApiAnswer() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> r = client.send(health("http"), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("plain HTTP answered: %s", r.body()).isNotEqualTo(200);
            assertThat(r.body()).doesNotContain("\"status\"");
        } catch (IOException | InterruptedException refused) {
            // the TLS server drops a plain-text request: the expected outcome
        }
    }

    @Test
    void tls12OffersOnlyEcdheWithAeadSuitesAndTls13WorksAsBefore() throws Exception {
        for (String weak : java.util.List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384")) {
            assertThatThrownBy(() -> handshake("TLSv1.2", weak)).as(weak).isInstanceOf(SSLHandshakeException.class);
        }
        assertThat(handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"))
                .isEqualTo("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(handshake("TLSv1.3", "TLS_AES_256_GCM_SHA384")).isEqualTo("TLS_AES_256_GCM_SHA384");
    }

    /** The suite a handshake with only {@code protocol} and {@code suite} enabled agreed on. */
    private static String handshake(String protocol, String suite) throws Exception {
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) cert.trustingContext().getSocketFactory()
                .createSocket("localhost", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        }
    }

    private static HttpRequest health(String scheme) {
        return HttpRequest.newBuilder(URI.create(scheme + "://localhost:" + gateway.port() + "/health"))
                .timeout(Duration.ofSeconds(10)).GET().build();
    }
}
