package dev.incidentgateway.ingest.generic;

import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.incidentgateway.ingest.generic.Fixtures.fixture;
import static dev.incidentgateway.ingest.generic.Fixtures.fromYaml;
import static dev.incidentgateway.ingest.generic.Fixtures.map;
import static dev.incidentgateway.ingest.generic.Fixtures.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A source defined only as YAML text, several items per payload, and every descriptor error. */
class WebhookSourceMappingTest {
    private static final String ACME = """
            kind: webhook-source
            name: acme
            mapper: jsonpath
            auth: { mode: none }
            mapping:
              correlationKey: "$.check.id"
              eventType:
                path: "$.state"
                values: { DOWN: declare, UP: resolve, COMMENT: note }
              title: "$.check.name"
              severity: "$.sev"
              content: ["$.comment", "$.check.url"]
              actor: "$.by"
              eventTime: { path: "$.at", format: epoch-seconds }
            """;

    @Test
    void aThirdSourceDefinedOnlyInYamlMapsItsPayloads() {
        JsonPathWebhookMapper acme = fromYaml("acme", ACME);
        String down = "{\"check\":{\"id\":\"c-42\",\"name\":\"Homepage down\",\"url\":\"https://status.acme.test/c-42\"},"
                + "\"state\":\"DOWN\",\"sev\":\"sev2\",\"at\":1715677964.25}";
        NewEvent e = single(acme, down);
        assertThat(e.type()).isEqualTo(EventType.DECLARE);
        assertThat(e.correlationKey()).isEqualTo("acme:c-42");
        assertThat(e.title()).isEqualTo("Homepage down");
        assertThat(e.severity()).isEqualTo(Severity.SEV2);
        assertThat(e.content()).isEqualTo("https://status.acme.test/c-42");
        assertThat(e.actor()).isEqualTo("acme");
        assertThat(e.source()).isEqualTo("/webhooks/acme");
        assertThat(e.eventTime()).isEqualTo(Instant.ofEpochSecond(1715677964L, 250_000_000));
        assertThat(e.ceId()).matches("[0-9a-f]{64}").isEqualTo(single(acme, down).ceId());
        assertThat(single(acme, down.replace("sev2", "urgent")).severity()).isEqualTo(Severity.SEV3);

        NewEvent note = single(acme, "{\"check\":{\"id\":\"c-42\"},\"state\":\"COMMENT\",\"comment\":\"CDN purge running\",\"by\":\"kim\"}");
        assertThat(note.type()).isEqualTo(EventType.NOTE);
        assertThat(note.content()).isEqualTo("CDN purge running");
        assertThat(note.actor()).isEqualTo("kim");
        assertThat(map(acme, "{\"check\":{\"id\":\"c-42\"},\"state\":\"FLAPPING\"}")).isEmpty();
    }

    @Test
    void itemsMapEveryAlertOfAGroupWithStableDistinctIds() {
        JsonPathWebhookMapper am = fromYaml("am", """
                mapping:
                  items: "$.alerts[*]"
                  correlationKey: "$.fingerprint"
                  eventType: { path: "$.status", values: { firing: declare, resolved: resolve } }
                  title: ["$.annotations.summary", "$.labels.alertname"]
                  severity: { path: "$.labels.severity", values: { critical: sev1, warning: sev3 }, default: sev4 }
                  content: "$.annotations.description"
                  eventTime: ["$.endsAt", "$.startsAt"]
                """);
        List<NewEvent> firing = map(am, fixture("alertmanager-firing.json"));
        assertThat(firing).extracting(NewEvent::type).containsExactly(EventType.DECLARE, EventType.DECLARE);
        assertThat(firing).extracting(NewEvent::correlationKey).containsExactly("am:4f2a9c1be07d3a55", "am:b81d07e6c35f92a0");
        assertThat(firing).extracting(NewEvent::severity).containsExactly(Severity.SEV1, Severity.SEV3);
        assertThat(firing.get(0).ceId()).isNotEqualTo(firing.get(1).ceId());
        assertThat(map(am, fixture("alertmanager-firing.json"))).extracting(NewEvent::ceId)
                .containsExactly(firing.get(0).ceId(), firing.get(1).ceId());
        List<NewEvent> resolved = map(am, fixture("alertmanager-resolved.json"));
        assertThat(resolved).extracting(NewEvent::type).containsExactly(EventType.RESOLVE, EventType.RESOLVE);
        assertThat(resolved.get(0).correlationKey()).isEqualTo(firing.get(0).correlationKey());
        assertThat(resolved.get(0).eventTime()).isEqualTo(Instant.parse("2024-05-14T09:31:48.493Z"));

        JsonPathWebhookMapper grafana = fromYaml("grafana", """
                mapping:
                  items: "$.alerts[*]"
                  correlationKey: "$.fingerprint"
                  eventType: { path: "$.status", values: { firing: declare, resolved: resolve } }
                  title: "$.annotations.summary"
                  content: ["$.panelURL", "$.generatorURL"]
                  eventTime: "$.startsAt"
                  data: { values: "$.values", silenceURL: "$.silenceURL" }
                """);
        List<NewEvent> g = map(grafana, fixture("grafana-firing.json"));
        assertThat(g).extracting(NewEvent::correlationKey).containsExactly("grafana:9a3c6e2f0b1d4857", "grafana:e47b10c9a2f35d68");
        assertThat(g.get(0).eventTime()).isEqualTo(Instant.parse("2024-05-14T08:02:30Z"));
        assertThat(g.get(0).data().path("values").path("A").asDouble()).isEqualTo(4.2);
        assertThat(map(grafana, fixture("grafana-resolved.json"))).singleElement()
                .satisfies(e -> assertThat(e.type()).isEqualTo(EventType.RESOLVE));
    }

    @Test
    void missingOrMalformedMappingIsAConfigError() {
        assertThat(problems("kind: webhook-source")).singleElement().asString()
                .startsWith("connectors/acme.yaml: mapping is required");
        assertThat(problems("mapping: \"$.x\"")).singleElement().asString().contains("mapping is required");
    }

    @Test
    void everyRequiredKeyIsNamed() {
        List<String> p = problems("mapping: { title: \"$.t\" }");
        assertThat(p).anyMatch(s -> s.startsWith("connectors/acme.yaml: mapping.correlationKey is required"));
        assertThat(p).anyMatch(s -> s.startsWith("connectors/acme.yaml: mapping.eventType is required"));
        assertThat(problems("mapping: { correlationKey: \"$.k\", eventType: { values: { a: ack } } }"))
                .containsExactly("connectors/acme.yaml: mapping.eventType.path is required: a JSONPath such as \"$.id\", or a list of them tried in order");
        assertThat(problems("mapping: { correlationKey: \"$.k\", eventType: { path: \"$.t\" } }"))
                .singleElement().asString().startsWith("connectors/acme.yaml: mapping.eventType.values is required");
        assertThat(problems("mapping: { correlationKey: \"$.k\", eventType: { path: \"$.t\", values: {} } }"))
                .singleElement().asString().contains("mapping.eventType.values");
        assertThat(problems("mapping: { correlationKey: \"$.k\", eventType: \"$.t\" }"))
                .singleElement().asString().contains("mapping.eventType must be a mapping");
        assertThat(problems("mapping: { correlationKey: \"$.k\", eventType: { path: \"$.t\", values: { a: declare } } }"))
                .singleElement().asString().startsWith("connectors/acme.yaml: mapping.title is required");
        assertThat(problems("mapping: { correlationKey: \"$.k\", title: null, eventType: { path: \"$.t\", values: { a: declare } } }"))
                .singleElement().asString().startsWith("connectors/acme.yaml: mapping.title is required");
    }

    @Test
    void invalidJsonPathsAreNamed() {
        String base = "mapping: { eventType: { path: \"$.t\", values: { a: ack } }, ";
        assertThat(problems(base + "correlationKey: \"$.check..\" }")).singleElement().asString()
                .startsWith("connectors/acme.yaml: mapping.correlationKey '$.check..' is not a valid JSONPath");
        assertThat(problems(base + "correlationKey: \"check.id\" }")).singleElement().asString()
                .contains("mapping.correlationKey").contains("must start with $");
        assertThat(problems(base + "correlationKey: [\"$.a\", \"$.b[0\"] }")).singleElement().asString()
                .contains("mapping.correlationKey '$.b[0'");
        assertThat(problems(base + "correlationKey: 42 }")).singleElement().asString().contains("mapping.correlationKey must be");
        assertThat(problems(base + "correlationKey: \"$.k\", items: \"$.alerts[*\" }")).singleElement().asString()
                .startsWith("connectors/acme.yaml: mapping.items");
        assertThat(problems(base + "correlationKey: \"$.k\", content: \"$.a b\" }")).singleElement().asString()
                .startsWith("connectors/acme.yaml: mapping.content");
        assertThat(problems(base + "correlationKey: \"$.k\", data: { link: \"$.[\" } }")).singleElement().asString()
                .startsWith("connectors/acme.yaml: mapping.data.link");
        assertThat(problems(base + "correlationKey: \"$.k\", eventTime: { path: \"$.t\", format: rfc822 } }"))
                .singleElement().asString().startsWith("connectors/acme.yaml: mapping.eventTime.format");
    }

    @Test
    void aDataMemberNamedExternalRefIsRefused() {
        // A payload must not pick the ticket the gateway writes into: only a connector's poller sets data.externalRef, and
        // the store would answer the sender 400 for every declare (an alert source must never get one).
        String ok = "mapping: { correlationKey: \"$.k\", title: \"$.t\", eventType: { path: \"$.s\", values: { DOWN: declare } }, ";
        assertThat(problems(ok + "data: { externalRef: \"$.ticket\", link: \"$.url\" } }")).singleElement().asString()
                .startsWith("connectors/acme.yaml: mapping.data.externalRef is set by a connector's poller only");
    }

    @Test
    void valueMapTargetsMustBeEventTypesAndSeverities() {
        String head = "mapping: { correlationKey: \"$.k\", title: \"$.t\", ";
        assertThat(problems(head + "eventType: { path: \"$.s\", values: { DOWN: declar } } }")).singleElement().asString()
                .startsWith("connectors/acme.yaml: mapping.eventType.values.DOWN 'declar' is not an event type");
        assertThat(problems(head + "eventType: { path: \"$.s\", values: { X: state_change } } }")).singleElement().asString()
                .contains("mapping.eventType.values.X");
        String ok = head + "eventType: { path: \"$.s\", values: { DOWN: declare } }, ";
        assertThat(problems(ok + "severity: { path: \"$.p\", values: { P1: critical } } }")).singleElement().asString()
                .startsWith("connectors/acme.yaml: mapping.severity.values.P1 'critical' is not a severity");
        assertThat(problems(ok + "severity: { path: \"$.p\", default: high } }")).singleElement().asString()
                .startsWith("connectors/acme.yaml: mapping.severity.default 'high' is not a severity");
        assertThat(problems(ok + "severity: { values: { P1: sev1 } } }")).singleElement().asString()
                .startsWith("connectors/acme.yaml: mapping.severity.path is required");
    }

    @Test
    void unknownKeysAreErrorsAndAllProblemsAreReportedTogether() {
        List<String> p = problems("""
                mapping:
                  correlationKey: "$.k"
                  eventType: { path: "$.s", values: { DOWN: declare, UP: fixed }, default: note }
                  titel: "$.t"
                  severity: { path: "$.p", values: { P1: sev0 } }
                """);
        assertThat(p).anyMatch(s -> s.startsWith("connectors/acme.yaml: mapping.titel is not a mapping key"))
                .anyMatch(s -> s.startsWith("connectors/acme.yaml: mapping.eventType.default is not a key"))
                .anyMatch(s -> s.startsWith("connectors/acme.yaml: mapping.eventType.values.UP"))
                .anyMatch(s -> s.startsWith("connectors/acme.yaml: mapping.title is required"))
                .anyMatch(s -> s.startsWith("connectors/acme.yaml: mapping.severity.values.P1"))
                .hasSize(5);
    }

    private static List<String> problems(String descriptorYaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> fromYaml("acme", descriptorYaml));
        assertThat(e).as("a ConfigException").isNotNull();
        assertThat(e.getMessage()).contains("connectors/acme.yaml");
        return e.problems();
    }
}
