package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.timeline.EventType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When the Jira poller is on, its settings and their errors; ADF as text; the watermark's form. */
class JiraPollConfigTest {
    private static final Map<String, String> ENV = Map.of("JIRA_URL", "https://acme.atlassian.net/", "JIRA_EMAIL", "bot@acme.test",
            "JIRA_API_TOKEN", "t0ken-value", "JIRA_PROJECT", "ops");

    private static JsonNode descriptor(String yaml) {
        return JiraFixtures.descriptor(raw -> raw.set("source", JiraFixtures.parse(yaml))).raw();
    }

    private static Map<String, String> env(String key, String value) {
        Map<String, String> env = new HashMap<>(ENV);
        env.put(key, value);
        return env;
    }

    @Test
    void offWithoutCredentialsOrWithIntervalZero() {
        assertThat(JiraPoller.create(JiraFixtures.descriptor().raw(), Map.of(), null, null)).isNull();
        assertThat(JiraPoller.create(JiraFixtures.descriptor().raw(), env("JIRA_API_TOKEN", " "), null, null)).isNull();
        assertThat(JiraPoller.create(JiraFixtures.descriptor().raw(), env("JIRA_POLL_INTERVAL", "0"), null, null)).isNull();
        assertThat(JiraPoller.create(descriptor("{\"enabled\": false}"), ENV, null, null)).isNull();
        JiraPoller poller = JiraPoller.create(null, ENV, null, null);
        assertThat(poller.name()).isEqualTo("jira");
        assertThat(poller.interval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(JiraPoller.create(null, env("JIRA_POLL_INTERVAL", "15"), null, null).interval()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void theShippedDescriptorAndDefaults() {
        JiraPollConfig c = JiraPollConfig.from(JiraFixtures.descriptor().raw(), ENV);
        assertThat(c.site().baseUrl()).isEqualTo("https://acme.atlassian.net");
        assertThat(c.site().project()).isEqualTo("OPS");
        assertThat(c.pageSize()).isEqualTo(50);
        assertThat(c.overlapMinutes()).isEqualTo(2);
        assertThat(c.issueType()).isEqualTo("Task");
        assertThat(c.timeZone()).isNull();
        assertThat(c.toString()).doesNotContain("t0ken-value");
        JiraPollConfig custom = JiraPollConfig.from(descriptor(
                "{\"issueType\": \"Bug\", \"timeZone\": \"Europe/Berlin\", \"statusEvents\": {\"Mitigated\": \"mitigate\"}}"), ENV);
        assertThat(custom.issueType()).isEqualTo("Bug");
        assertThat(custom.statusEvents()).isEqualTo(Map.of("mitigated", EventType.MITIGATE));
    }

    @Test
    void badSettingsStopTheStartNamingTheKey() {
        assertThatThrownBy(() -> JiraPollConfig.from(null, env("JIRA_POLL_INTERVAL", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("JIRA_POLL_INTERVAL");
        assertThatThrownBy(() -> JiraPollConfig.from(descriptor(
                "{\"pageSize\": 500, \"overlapMinutes\": -1, \"timeZone\": \"Mars/Base\", \"statusEvents\": {\"Done\": \"close it\"}}"), ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.pageSize").hasMessageContaining("source.overlapMinutes")
                .hasMessageContaining("source.timeZone").hasMessageContaining("source.statusEvents.Done")
                .hasMessageNotContaining("t0ken-value");
        assertThatThrownBy(() -> JiraPollConfig.from(null, env("JIRA_URL", "acme.atlassian.net"))).hasMessageContaining("JIRA_URL");
    }

    @Test
    void atlassianDocumentsBecomePlainText() {
        JsonNode doc = JiraFixtures.parse("{\"type\":\"doc\",\"version\":1,\"content\":["
                + "{\"type\":\"paragraph\",\"content\":[{\"type\":\"text\",\"text\":\"Hi \"},"
                + "{\"type\":\"mention\",\"attrs\":{\"id\":\"1\",\"text\":\"@Bob\"}},{\"type\":\"hardBreak\"},{\"type\":\"text\",\"text\":\"see\"}]},"
                + "{\"type\":\"bulletList\",\"content\":[{\"type\":\"listItem\",\"content\":[{\"type\":\"paragraph\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"one\"}]}]},{\"type\":\"listItem\",\"content\":[{\"type\":\"paragraph\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"two\"}]}]}]},"
                + "{\"type\":\"codeBlock\",\"content\":[{\"type\":\"text\",\"text\":\"kubectl rollout undo\"}]}]}");
        assertThat(JiraPollText.of(doc)).isEqualTo("Hi @Bob\nsee\n\n- one\n- two\n\nkubectl rollout undo");
        assertThat(JiraPollText.of(JiraFixtures.parse("\"plain\""))).isEqualTo("plain");
        assertThat(JiraPollText.of(null)).isEmpty();
    }

    @Test
    void watermarkRoundTrips() {
        JiraPollWatermark paging = JiraPollWatermark.parse("2025-03-01T10:15:30Z|2025/03/01 10:13|b2Zmc2V0OjUw");
        assertThat(paging.paging()).isTrue();
        assertThat(paging.from()).isEqualTo("2025/03/01 10:13");
        assertThat(JiraPollWatermark.parse(paging.format())).isEqualTo(paging);
        assertThat(JiraPollWatermark.parse("2025-03-01T10:15:30Z").paging()).isFalse();
        assertThat(JiraPollWatermark.parse("garbage")).isEqualTo(JiraPollWatermark.NONE);
        assertThat(JiraPollWatermark.parse(null)).isEqualTo(JiraPollWatermark.NONE);
    }
}
