package dev.incidentgateway.audit;

import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChainKeyTest {
    private static final byte[] BYTES = new byte[32];

    static {
        for (int i = 0; i < BYTES.length; i++) {
            BYTES[i] = (byte) (i * 7 + 1);
        }
    }

    @Test
    void hexAndBase64OfTheSameBytesAreTheSameKey() {
        ChainKey hex = ChainKey.parse(HexFormat.of().formatHex(BYTES));
        ChainKey b64 = ChainKey.parse(Base64.getEncoder().encodeToString(BYTES));
        ChainKey url = ChainKey.parse(Base64.getUrlEncoder().withoutPadding().encodeToString(BYTES));
        assertThat(hex.fingerprint()).isEqualTo(b64.fingerprint()).isEqualTo(url.fingerprint());
        assertThat(hex.hmacHex("x")).isNotEqualTo(ChainKey.generate().hmacHex("x")).hasSize(64);
    }

    @Test
    void shortOrMalformedKeysAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> ChainKey.parse(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> ChainKey.parse("not a key!secret"))
                .hasMessageContaining("hex or base64").hasMessageNotContaining("secret");
        assertThat(ChainKey.generate().toString()).doesNotContainPattern("[A-Za-z0-9+/]{20,}");
    }

    @Test
    void generatedKeyFileIsOwnerOnlyAndReadBackTheSame(@TempDir Path dir) throws Exception {
        GatewayConfig config = GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", dir.resolve("keys").toString()), Map.of());
        assertThat(ChainKeys.existing(config)).isEmpty();
        Path file = ChainKeys.keyFile(config);
        assertThat(KeyFiles.createNew(file, ChainKey.generate().encoded())).isTrue();
        assertThat(KeyFiles.createNew(file, "other")).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(ChainKeys.existing(config)).isPresent();
    }

    @Test
    void aMalformedConfiguredKeyIsRefusedWhenTheConfigurationIsRead() {
        assertThatThrownBy(() -> GatewayConfig.load(Map.of("GATEWAY_CHAIN_KEY", "abc"), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("GATEWAY_CHAIN_KEY").hasMessageNotContaining("abc");
    }

    @Test
    void aMalformedKeyFileNamesTheFile(@TempDir Path dir) throws Exception {
        GatewayConfig config = GatewayConfig.load(Map.of("GATEWAY_KEYS_DIR", dir.resolve("keys").toString()), Map.of());
        assertThat(KeyFiles.createNew(ChainKeys.keyFile(config), "truncated-key-text")).isTrue();
        assertThatThrownBy(() -> ChainKeys.existing(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(ChainKeys.keyFile(config).toString()).hasMessageNotContaining("truncated-key-text");
    }
}
