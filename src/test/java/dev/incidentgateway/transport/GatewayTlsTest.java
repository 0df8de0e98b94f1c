package dev.incidentgateway.transport;

import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.testsupport.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TLS settings fail fast, naming the key at fault, before anything starts. */
class GatewayTlsTest {
    @TempDir
    Path dir;

    @Test
    void neitherFileMeansPlainHttp() {
        assertThat(GatewayTls.load(config(Map.of()))).isEmpty();
    }

    @Test
    void bothFilesGiveTlsParameters() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir);
        assertThat(GatewayTls.load(config(Map.of("GATEWAY_TLS_CERT_FILE", cert.certFile().toString(),
                "GATEWAY_TLS_KEY_FILE", cert.keyFile().toString())))).isPresent();
    }

    @Test
    void aCertificateWithoutKeyNamesTheMissingKey() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir);
        assertThatThrownBy(() -> GatewayTls.load(config(Map.of("GATEWAY_TLS_CERT_FILE", cert.certFile().toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_TLS_KEY_FILE");
        assertThatThrownBy(() -> GatewayTls.load(config(Map.of("GATEWAY_TLS_KEY_FILE", cert.keyFile().toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_TLS_CERT_FILE");
    }

    @Test
    void anUnreadableOrWrongFileNamesItsKeyButNeverPrintsTheKey() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir);
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> GatewayTls.load(config(Map.of("GATEWAY_TLS_CERT_FILE", cert.certFile().toString(),
                "GATEWAY_TLS_KEY_FILE", missing.toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_TLS_KEY_FILE").hasMessageContaining("nope.pem")
                // a file that cannot be opened says so; it is not reported as a key in the wrong format
                .hasMessageContaining("cannot read").hasMessageContaining("NoSuchFileException").hasMessageNotContaining("not a readable PEM");
        // The certificate given as key file: no private key in it.
        assertThatThrownBy(() -> GatewayTls.load(config(Map.of("GATEWAY_TLS_CERT_FILE", cert.certFile().toString(),
                "GATEWAY_TLS_KEY_FILE", cert.certFile().toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_TLS_KEY_FILE");
        // The key given as certificate file: no certificate in it, and its content is not echoed.
        String keyPem = Files.readString(cert.keyFile());
        String body = keyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertThatThrownBy(() -> GatewayTls.load(config(Map.of("GATEWAY_TLS_CERT_FILE", cert.keyFile().toString(),
                "GATEWAY_TLS_KEY_FILE", cert.keyFile().toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_TLS_CERT_FILE").hasMessageNotContaining(body);
    }

    @Test
    void aKeyThatIsNotTheCertificatesStopsTheStartNamingTheKeyFile() throws Exception {
        SelfSignedCertificate one = SelfSignedCertificate.create(Files.createDirectories(dir.resolve("one")));
        SelfSignedCertificate other = SelfSignedCertificate.create(Files.createDirectories(dir.resolve("other")));
        assertThatThrownBy(() -> GatewayTls.load(config(Map.of("GATEWAY_TLS_CERT_FILE", one.certFile().toString(),
                "GATEWAY_TLS_KEY_FILE", other.keyFile().toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_TLS_KEY_FILE")
                .hasMessageContaining("does not go with the certificate");
    }

    private static GatewayConfig config(Map<String, String> env) {
        return GatewayConfig.load(new HashMap<>(env), Map.of());
    }
}
