package dev.incidentgateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayJsonTest {
    private final ObjectMapper json = GatewayJson.create();

    /** {"t":"a<hex>b"} with the raw bytes of {@code hex} inside the string. */
    private static byte[] stringWith(String hex) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"t\":\"a".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(HexFormat.of().parseHex(hex));
        out.writeBytes("b\"}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "C0AF", "C1BF", "E080AF", "F08080AF", // overlong forms of '/' and DEL, which a lenient decoder reads as them
            "C080",                               // overlong NUL
            "EDA080", "EDBFBF",                   // UTF-16 surrogates encoded as UTF-8
            "F4908080", "F5808080",               // past U+10FFFF
            "80", "C3", "E282"})                  // a lone continuation byte, truncated sequences
    void bytesThatAreNotWellFormedUtf8AreRefusedAsMalformedJson(String hex) {
        assertThatThrownBy(() -> json.readTree(stringWith(hex))).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> json.readTree(new ByteArrayInputStream(stringWith(hex))))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void theRefusalSaysWhereWithoutQuotingTheText() {
        assertThatThrownBy(() -> json.readTree(stringWith("C0AF")))
                .hasMessageContaining("Invalid UTF-8: byte 0xc0 at offset 7");
    }

    @Test
    void wellFormedUtf8InEveryLengthIsReadAsItsCharacters() throws Exception {
        String text = "é€😀\uFFFE"; // 2, 3 and 4 bytes; a noncharacter is still well-formed
        assertThat(json.readTree(("{\"t\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8)).path("t").asText())
                .isEqualTo(text);
        byte[] withBom = stringWith("EFBBBF"); // U+FEFF inside a string
        assertThat(json.readTree(withBom).path("t").asText()).isEqualTo("a\uFEFFb");
    }

    @Test
    void jsonInUtf16IsStillReadAsBefore() throws Exception {
        byte[] utf16 = "{\"t\":\"é\"}".getBytes(StandardCharsets.UTF_16LE); // 0xE9 0x00: not UTF-8, but Jackson's UTF-16
        assertThat(json.readTree(utf16).path("t").asText()).isEqualTo("é");
    }
}
