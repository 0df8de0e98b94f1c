package dev.incidentgateway.api;

import dev.incidentgateway.security.Scope;
import dev.incidentgateway.testsupport.GatewayFixture;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import dev.incidentgateway.testsupport.TestApiKeys;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.NewEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code read} key sending many chain checks of a long incident at once cannot take the connections appends need
 * (security review: thirty parallel verify calls held the whole pool and an append got 503 store-unavailable). A pool of
 * three connections; {@value #READERS} callers check the incident over and over while appends are sent: every append
 * is 201, and the reads beyond the bound are answered at once with 503 or 429 problem+json and Retry-After.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpensiveReadsIT {
    private static final int READERS = 16;
    /** Long enough that a check holds its connection for a while (no timing is asserted). */
    private static final int EVENTS = 6_000;
    private static final String LONG = "ER-1";

    private GatewayFixture fixture;
    private HttpApi reader;

    @BeforeAll
    void startWithALongIncident() throws Exception {
        Map<String, String> env = Map.of("GATEWAY_DB_POOL_SIZE", "3");
        fixture = GatewayFixture.start(TestStore.Kind.H2, env);
        reader = new HttpApi(fixture.gateway().port(), TestApiKeys.create(fixture.store().config(env), "reader", Set.of(Scope.READ)));
        assertThat(fixture.http().postJson("/api/v1/incidents", obj("id", LONG, "title", "long", "actor", "a")).status()).isEqualTo(201);
        String content = "x".repeat(2_000);
        for (int done = 0; done < EVENTS; done += 250) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                batch.add(NewEvent.builder(EventType.NOTE, "a").incident(LONG).content(content).build());
            }
            fixture.gateway().store().appendAll(batch);
        }
        assertThat(fixture.http().postJson("/api/v1/incidents", obj("id", "ER-2", "title", "writes go here", "actor", "a")).status())
                .isEqualTo(201);
    }

    @AfterAll
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void appendsSucceedWhileManyCallersCheckALongIncident() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Response> reads = new ConcurrentLinkedQueue<>();
        List<Future<?>> readers = new ArrayList<>();
        try {
            for (int r = 0; r < READERS; r++) {
                readers.add(pool.submit(() -> {
                    do {
                        reads.add(reader.get("/api/v1/incidents/" + LONG + "/verify"));
                    } while (writing.get());
                }));
            }
            List<Integer> appends = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                appends.add(fixture.http().postJson("/api/v1/incidents/ER-2/events", obj("type", "note", "actor", "a",
                        "content", "written during the checks " + i)).status());
            }
            // One incident's SLA clocks read the events of one incident: not bounded. Those of many at once read every
            // event of up to 500 incidents: bounded like the checks, so while they run, one is refused sooner or later.
            assertThat(reader.get("/api/v1/incidents/" + LONG + "/sla").status()).isEqualTo(200);
            Response batch = reader.get("/api/v1/sla?incident=" + LONG + ",ER-2");
            for (int tries = 1; batch.status() == 200 && tries < 200; tries++) {
                batch = reader.get("/api/v1/sla?incident=" + LONG + ",ER-2");
            }
            reads.add(batch);
            assertThat(batch.status()).as("a batch of SLA clocks while the checks hold the slots").isIn(429, 503);
            writing.set(false);
            for (Future<?> f : readers) {
                f.get();
            }
            assertThat(appends).as("appends while %d callers check a long incident", READERS).containsOnly(201);
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        assertThat(reads).extracting(Response::status).contains(200).allMatch(s -> s == 200 || s == 503 || s == 429);
        for (Response refused : reads.stream().filter(r -> r.status() != 200).toList()) {
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.header("Retry-After")).isPresent();
            assertThat(refused.json().get("type").asText()).isIn("urn:incident-gateway:problem:expensive-reads-busy",
                    "urn:incident-gateway:problem:too-many-expensive-reads");
        }
        assertThat(reads.stream().filter(r -> r.status() == 200).findFirst().orElseThrow().json().get("eventsChecked").asLong())
                .isEqualTo(EVENTS + 1);
    }
}
