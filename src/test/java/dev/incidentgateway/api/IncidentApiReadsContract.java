package dev.incidentgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.incidentgateway.testsupport.HttpApi;
import dev.incidentgateway.testsupport.HttpApi.Response;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

import static dev.incidentgateway.testsupport.HttpApi.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incident API's reads, on each kind of store (H2 and PostgreSQL subclasses): the incident list and its status and
 * severity filters, one incident's timeline and its paging, the Since feed as CloudEvents the SDK parses, and /health.
 */
abstract class IncidentApiReadsContract extends IncidentApiHarness {
    private final EventFormat ceFormat = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    // ---------------------------------------------------------------- reads

    @Test
    void listIncidentsFiltersByStatusAndHonoursLimit() {
        String declared = newId("LST");
        String acked = newId("LST");
        String resolved = newId("LST");
        declare(declared, "one");
        declare(acked, "two");
        declare(resolved, "three");
        append(acked, "ack");
        append(resolved, "resolve");

        Response all = http.get("/api/v1/incidents");
        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        assertThat(all.contentType()).startsWith("application/json");
        assertThat(fieldNames(all.json())).containsExactly("incidents");
        List<JsonNode> incidents = list(all.json().path("incidents"));
        assertThat(incidents).extracting(i -> i.path("id").asText()).contains(declared, acked, resolved);
        incidents.forEach(i -> assertThat(fieldNames(i)).isEqualTo(new TreeSet<>(INCIDENT_FIELDS)));

        List<JsonNode> ackedOnly = list(http.get("/api/v1/incidents?status=acknowledged").json().path("incidents"));
        assertThat(ackedOnly).extracting(i -> i.path("id").asText()).contains(acked).doesNotContain(declared, resolved);
        assertThat(ackedOnly).allSatisfy(i -> assertThat(i.path("status").asText()).isEqualTo("acknowledged"));

        List<JsonNode> resolvedOnly = list(http.get("/api/v1/incidents?status=resolved&limit=1000").json().path("incidents"));
        assertThat(resolvedOnly).extracting(i -> i.path("id").asText()).contains(resolved).doesNotContain(declared, acked);

        assertThat(list(http.get("/api/v1/incidents?limit=2").json().path("incidents"))).hasSize(2);
        assertThat(list(http.get("/api/v1/incidents?limit=1").json().path("incidents"))).hasSize(1);
    }

    List<String> listed(String query) {
        Response r = http.get("/api/v1/incidents?" + query);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return list(r.json().path("incidents")).stream().map(i -> i.path("id").asText()).toList();
    }

    @Test
    void listIncidentsTakesStatusListsOpenAndSeverityNewestFirstAcrossStatuses() {
        String declared = newId("MST");
        String acked = newId("MST");
        String mitigated = newId("MST");
        String resolved = newId("MST");
        String closed = newId("MST");
        for (String id : List.of(declared, acked, mitigated, resolved, closed)) {
            declare(id, "multi");
        }
        append(acked, "ack");
        append(mitigated, "mitigate");
        append(resolved, "resolve");
        append(closed, "resolve");
        append(closed, "close");
        Response sev1 = http.postJson("/api/v1/incidents", obj("id", newId("MST"), "title", "sev1", "actor", "a", "severity", "sev1"));
        assertThat(sev1.status()).as(sev1.toString()).isEqualTo(201);
        String critical = sev1.json().path("id").asText();

        List<String> open = listed("status=open&limit=1000");
        assertThat(open).contains(declared, acked, mitigated, critical).doesNotContain(resolved, closed);
        assertThat(listed("status=declared,acknowledged,mitigated&limit=1000")).isEqualTo(open);
        assertThat(listed("status=acknowledged,%20resolved&limit=1000")).contains(acked, resolved).doesNotContain(declared, mitigated, closed);

        // One order across the statuses: newest declared first, as the unfiltered list has it.
        List<String> all = listed("limit=1000");
        assertThat(open).isEqualTo(all.stream().filter(open::contains).toList());
        // Paging: the first n of the statuses, not n of each.
        assertThat(listed("status=open&limit=2")).isEqualTo(open.subList(0, 2));
        // The single value answers exactly what it did, and a list naming one status answers the same.
        assertThat(listed("status=acknowledged,acknowledged&limit=1000")).isEqualTo(listed("status=acknowledged&limit=1000"));
        assertThat(listed("status=declared,acknowledged,mitigated,resolved,closed&limit=1000")).isEqualTo(all);

        assertThat(listed("severity=sev1&limit=1000")).contains(critical).doesNotContain(declared, acked);
        assertThat(listed("status=open&severity=sev1,sev2&limit=1000")).contains(critical).doesNotContain(declared, resolved);
        assertThat(listed("status=resolved&severity=sev1&limit=1000")).doesNotContain(critical, resolved);
        assertThat(listed("status=open&severity=sev3&limit=1000")).contains(declared, acked, mitigated).doesNotContain(critical);

        Stored before = stored();
        assertThat(assertProblem(http.get("/api/v1/incidents?status=open,bogus"), 400, "status").path("detail").asText())
                .contains("'bogus'").contains("open");
        assertProblem(http.get("/api/v1/incidents?status=acknowledged,"), 400, "status");
        assertProblem(http.get("/api/v1/incidents?severity=sev9"), 400, "severity");
        assertNothingStoredSince(before);
    }

    @Test
    void timelineIsChronologicalAndPagesWithAfterAndNextAfter() {
        String id = newId("TL");
        declare(id, "Paging");
        for (int i = 1; i <= 4; i++) {
            append(id, obj("type", "note", "actor", "bob", "content", "note " + i));
        }

        Response whole = http.get("/api/v1/incidents/" + id + "/timeline");
        assertThat(whole.status()).as(whole.toString()).isEqualTo(200);
        assertThat(fieldNames(whole.json())).containsExactlyInAnyOrder("incidentId", "events", "nextAfter");
        assertThat(whole.json().path("incidentId").asText()).isEqualTo(id);
        assertThat(whole.json().path("nextAfter").isNull()).isTrue();
        List<JsonNode> all = list(whole.json().path("events"));
        assertThat(all).extracting(e -> e.path("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(all).extracting(e -> e.path("id").asText()).isSorted();
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).path("prevHash")).isEqualTo(all.get(i - 1).path("hash"));
        }

        List<Long> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Response page = http.get("/api/v1/incidents/" + id + "/timeline?limit=2" + (after == null ? "" : "&after=" + after));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            List<JsonNode> events = list(page.json().path("events"));
            events.forEach(e -> seen.add(e.path("seq").asLong()));
            JsonNode next = page.json().path("nextAfter");
            if (events.size() == 2) {
                assertThat(next.asText()).isEqualTo(events.get(1).path("id").asText());
            }
            after = next.isNull() ? null : next.asText();
            pages++;
        } while (after != null && pages < 10);
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(pages).isEqualTo(3);

        Response tail = http.get("/api/v1/incidents/" + id + "/timeline?after=" + all.get(3).path("id").asText());
        assertThat(list(tail.json().path("events"))).containsExactly(all.get(4));
        // An empty page is 200 for an incident that exists and 404 for one that does not (the page cannot tell them apart).
        String last = all.get(4).path("id").asText();
        Response end = http.get("/api/v1/incidents/" + id + "/timeline?after=" + last);
        assertThat(end.status()).as(end.toString()).isEqualTo(200);
        assertThat(list(end.json().path("events"))).isEmpty();
        assertThat(end.json().path("nextAfter").isNull()).isTrue();
        assertThat(http.get("/api/v1/incidents/NOPE-404/timeline?after=" + last).status()).isEqualTo(404);
    }

    @Test
    void sinceFeedIsABatchOfCloudEventsThatTheSdkParses() throws Exception {
        String mark = stored().newestEventId();
        String id = newId("CE");
        Response d = http.postJson("/api/v1/incidents", obj("id", id, "title", "Feed", "actor", "alice",
                "source", "https://alerts.example/feed"));
        assertThat(d.status()).isEqualTo(201);
        JsonNode ack = append(id, obj("type", "ack", "actor", "bob"));
        List<JsonNode> stored = timeline(id);

        Response feed = http.get("/api/v1/events?after=" + mark + "&limit=1000");
        assertThat(feed.status()).as(feed.toString()).isEqualTo(200);
        assertThat(feed.contentType()).startsWith("application/cloudevents-batch+json");
        ArrayNode array = (ArrayNode) HttpApi.JSON.readTree(feed.body());
        assertThat(array).hasSize(2);

        List<CloudEvent> events = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            JsonNode raw = it.next();
            assertThat(raw.path("specversion").asText()).isEqualTo("1.0");
            assertThat(raw.path("incidentseq").isIntegralNumber()).as("incidentseq is a JSON number: %s", raw).isTrue();
            events.add(ceFormat.deserialize(HttpApi.JSON.writeValueAsBytes(raw)));
        }
        for (int i = 0; i < 2; i++) {
            CloudEvent ce = events.get(i);
            JsonNode ev = stored.get(i);
            assertThat(ce.getSpecVersion()).isEqualTo(SpecVersion.V1);
            assertThat(ce.getId()).isEqualTo(ev.path("id").asText());
            assertThat(ce.getSource()).isEqualTo(URI.create(ev.path("source").asText()));
            assertThat(ce.getType()).isEqualTo("dev.incidentgateway.incident." + ev.path("type").asText());
            assertThat(ce.getSubject()).isEqualTo(id);
            assertThat(ce.getTime().toInstant()).isEqualTo(Instant.parse(ev.path("eventTime").asText()));
            assertThat(ce.getDataContentType()).isEqualTo("application/json");
            assertThat(ce.getData()).isNotNull();
            assertThat(HttpApi.JSON.readTree(ce.getData().toBytes()).isObject()).isTrue();
            assertThat(ce.getExtension("incidentseq")).isEqualTo(i + 1);
            assertThat(ce.getExtension("actor")).isEqualTo(ev.path("actor").asText());
            assertThat(ce.getExtension("principal")).isEqualTo(ev.path("principal").asText());
        }
        // the body's "source" is ignored: REST events have the API's source
        assertThat(events.get(0).getSource()).isEqualTo(URI.create("/api/v1"));
        assertThat(events.get(0).getType()).isEqualTo("dev.incidentgateway.incident.declare");
        assertThat(events.get(1).getType()).isEqualTo("dev.incidentgateway.incident.ack");
        assertThat(events.get(1).getId()).isEqualTo(ack.path("id").asText());

        // Paging by id: after the first, the second only; limit caps the page.
        Response next = http.get("/api/v1/events?after=" + events.get(0).getId() + "&limit=1000");
        assertThat(list(next.json())).extracting(e -> e.path("id").asText()).containsExactly(events.get(1).getId());
        Response one = http.get("/api/v1/events?after=" + mark + "&limit=1");
        assertThat(list(one.json())).extracting(e -> e.path("id").asText()).containsExactly(events.get(0).getId());
        Response first = http.get("/api/v1/events?limit=1");
        assertThat(first.status()).isEqualTo(200);
        assertThat(list(first.json())).hasSize(1);
    }

    @Test
    void healthIsUp() {
        Response r = http.get("/health");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.json().path("status").asText()).isEqualTo("UP");
    }
}
