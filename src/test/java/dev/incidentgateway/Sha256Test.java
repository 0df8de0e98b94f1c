package dev.incidentgateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class Sha256Test {
    @Test
    void matchesTheStandardTestVectors() {
        // FIPS 180-2 appendix B.1 and the empty message
        assertThat(Sha256.hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Sha256.hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void partsHashAsTheirConcatenationAndNothingCarriesOverToTheNextCall() {
        byte[] whole = Sha256.of("key\nnote\n{\"a\":1}");
        byte[] parts = Sha256.of("key\nnote\n".getBytes(StandardCharsets.UTF_8), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(HexFormat.of().formatHex(parts)).isEqualTo(HexFormat.of().formatHex(whole));
        assertThat(Sha256.hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
