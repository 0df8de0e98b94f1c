package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.FeedMark;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestStore;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of the inbound endpoints (REST declare, Alertmanager, Grafana, CloudEvents structured and
 * batch), on each kind of store: valid fixture payloads mutated (values replaced by long, NUL, surrogate, wrongly typed
 * or deeply nested ones; keys dropped; bytes cut, flipped or inserted). The invariant: never a 5xx, and the store
 * (the Since feed's newest id) changes only when the answer is 2xx.
 */
abstract class InboundFuzzContract {
    static final String TOKEN = "fuzz-token-" + UUID.randomUUID();
    private static final Map<TestStore.Kind, GatewayFixture> FIXTURES = new EnumMap<>(TestStore.Kind.class);
    private static final String CLOUDEVENT = """
            {"specversion":"1.0","id":"fz","source":"urn:fuzz","type":"com.example.incident.declare","subject":"FZ-1",
             "time":"2026-11-30T10:00:00Z","data":{"title":"Fuzz","actor":"monitor","severity":"sev2","data":{"k":"v"}}}""";

    abstract TestStore.Kind kind();

    record Target(String path, String contentType, String body) {
    }

    static List<Target> targets() {
        return List.of(
                new Target("/api/v1/incidents", "application/json", "{\"title\":\"Fuzz\",\"actor\":\"alice\",\"severity\":\"sev3\",\"data\":{\"k\":[1,\"x\"]}}"),
                new Target("/webhooks/alertmanager", "application/json", WebhookFixtures.text("alertmanager-firing.json")),
                new Target("/webhooks/grafana", "application/json", WebhookFixtures.text("grafana-firing.json")),
                new Target("/webhooks/cloudevents", "application/cloudevents+json", CLOUDEVENT),
                new Target("/webhooks/cloudevents", "application/cloudevents-batch+json", "[" + CLOUDEVENT + "]"));
    }

    synchronized GatewayFixture fixture() throws Exception {
        GatewayFixture f = FIXTURES.get(kind());
        if (f == null) {
            f = GatewayFixture.start(kind(), Map.of("GATEWAY_WEBHOOK_TOKEN", TOKEN));
            FIXTURES.put(kind(), f);
        }
        return f;
    }

    /** Answers by class (index status / 100) per store, written to target/fuzz-summary-<store>.txt for bench/faults.sh. */
    private static final Map<TestStore.Kind, int[]> ANSWERS = new EnumMap<>(TestStore.Kind.class);

    @AfterContainer
    static void stop() throws java.io.IOException {
        FIXTURES.values().forEach(GatewayFixture::close);
        FIXTURES.clear();
        for (Map.Entry<TestStore.Kind, int[]> e : ANSWERS.entrySet()) {
            int[] n = e.getValue();
            String store = e.getKey() == TestStore.Kind.H2 ? "h2" : "postgresql";
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "fuzz-summary-" + store + ".txt"), String.format(
                    "fuzz store=%s cases=%d answered_2xx=%d answered_4xx=%d answered_5xx=%d%n", store,
                    java.util.Arrays.stream(n).sum(), n[2], n[4], n[5]));
        }
        ANSWERS.clear();
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Property(tries = 200)
    void noFiveHundredsAndTheStoreChangesOnlyOn2xx(@ForAll("seeds") long seed) throws Exception {
        HttpApi http = fixture().http();
        Random random = new Random(seed);
        Target target = targets().get(random.nextInt(targets().size()));
        byte[] body = FuzzMutations.mutate(target.body(), random);
        String before = newestEventId(http);
        Response r = http.post(target.path(), target.contentType(), HttpRequest.BodyPublishers.ofByteArray(body),
                target.path().startsWith("/webhooks/") ? new String[]{"Authorization", "Bearer " + TOKEN} : new String[0]);
        synchronized (ANSWERS) {
            ANSWERS.computeIfAbsent(kind(), k -> new int[6])[Math.min(5, r.status() / 100)]++;
        }
        String shown = target.path() + " " + new String(body, StandardCharsets.UTF_8).substring(0, Math.min(body.length, 300)) + " -> " + r;
        assertThat(r.status()).as(shown).isLessThan(500);
        if (r.status() >= 300) {
            assertThat(newestEventId(http)).as("stored on " + shown).isEqualTo(before);
            assertThat(r.contentType()).as(shown).startsWith("application/problem+json");
        }
    }

    static String newestEventId(HttpApi http) {
        return FeedMark.newestRequestEvent(http, null);
    }
}
