package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiProblemTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aDetailQuotingAHugeValueIsCutAndSaysHowMuchWasLeftOut() throws Exception {
        String huge = "x".repeat(50_000);
        String full = "status must be firing or resolved, not '" + huge + "'";
        ApiProblem p = ApiProblem.invalidField("status", full);

        JsonNode body = json.readTree(new ProblemMapper(json).render(p, "/webhooks/alertmanager"));

        String detail = body.get("detail").asText();
        assertThat(detail).startsWith("status must be firing or resolved, not 'xxx")
                .hasSizeLessThan(ApiProblem.MAX_DETAIL_CHARS + 40)
                .endsWith("… (" + (full.length() - ApiProblem.MAX_DETAIL_CHARS) + " more chars)");
        assertThat(body.get("field").asText()).isEqualTo("status");
    }

    @Test
    void aDetailOfOrdinaryLengthIsKeptWhole() {
        String detail = "d".repeat(ApiProblem.MAX_DETAIL_CHARS);
        assertThat(ApiProblem.invalidField("f", detail).getMessage()).isEqualTo(detail);
        assertThat(ApiProblem.invalidField("f", detail).withField("[1].f").getMessage()).isEqualTo(detail);
    }
}
