package dev.incidentgateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.testsupport.HttpApi.Response;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.incidentgateway.ingest.WebhookFixtures.bytes;
import static dev.incidentgateway.ingest.WebhookFixtures.edited;
import static dev.incidentgateway.ingest.WebhookFixtures.startsAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Alertmanager and Grafana webhook sources fed their vendors' fixture payloads, over real HTTP on each kind
 * of store (H2 and PostgreSQL subclasses): declare, repeat, resolve and fire again; correlation by fingerprint, keeping
 * dashboard, panel and values.
 */
abstract class WebhookSourcesAlertmanagerGrafanaContract extends WebhookSourcesHarness {
    // ---------------------------------------------------------------- Alertmanager

    @Test
    void alertmanagerFixturesDeclareRepeatResolveAndFireAgainAsNewIncidents() {
        JsonNode fixture = WebhookFixtures.json("alertmanager-firing.json");
        byte[] firing = bytes("alertmanager-firing.json");
        byte[] resolved = bytes("alertmanager-resolved.json");

        Response first = ok(post("alertmanager", firing, BEARER));
        List<String> declares = accepted(first);
        assertThat(declares).hasSize(2);
        assertThat(duplicates(first)).isEmpty();
        assertThat(ignored(first)).isZero();
        String critical = incidentOf(declares.get(0));
        String warning = incidentOf(declares.get(1));
        assertThat(critical).isNotEqualTo(warning);
        JsonNode criticalView = incident(critical);
        assertThat(criticalView.path("severity").asText()).isEqualTo("sev1"); // labels.severity: critical
        assertThat(criticalView.path("status").asText()).isEqualTo("declared");
        assertThat(criticalView.path("title").asText()).isEqualTo("KubePodCrashLooping: Pod is crash looping.");
        assertThat(incident(warning).path("severity").asText()).isEqualTo("sev3"); // labels.severity: warning
        assertThat(timeline(critical).get(0).path("data").path("fingerprint").asText())
                .isEqualTo(fixture.path("alerts").get(0).path("fingerprint").asText());
        assertThat(timeline(warning).get(0).path("data").path("fingerprint").asText())
                .isEqualTo(fixture.path("alerts").get(1).path("fingerprint").asText());

        // Alertmanager re-sends the group every repeat_interval: nothing appended, both reported as duplicates.
        Response repeat = ok(post("alertmanager", firing, BEARER));
        assertThat(accepted(repeat)).isEmpty();
        assertThat(duplicates(repeat)).containsExactlyElementsOf(declares);
        assertThat(timelineTypes(critical)).containsExactly("declare");
        assertThat(timelineTypes(warning)).containsExactly("declare");
        assertThat(incident(critical).path("alertRepeats").asLong()).isEqualTo(1);

        Response resolve = ok(post("alertmanager", resolved, BEARER));
        assertThat(accepted(resolve)).hasSize(2);
        for (String id : List.of(critical, warning)) {
            assertThat(incident(id).path("status").asText()).isEqualTo("resolved");
            assertThat(timelineTypes(id)).containsExactly("declare", "resolve");
        }

        // Redelivering either notification after the resolve changes nothing.
        Response lateFiring = ok(post("alertmanager", firing, BEARER));
        assertThat(accepted(lateFiring)).isEmpty();
        assertThat(duplicates(lateFiring)).hasSize(2);
        Response lateResolved = ok(post("alertmanager", resolved, BEARER));
        assertThat(accepted(lateResolved)).isEmpty();
        assertThat(duplicates(lateResolved)).hasSize(2);
        assertThat(timelineTypes(critical)).containsExactly("declare", "resolve");
        assertThat(incident(critical).path("status").asText()).isEqualTo("resolved");

        // The same alerts fire again (new startsAt): a new incident per alert.
        byte[] again = edited("alertmanager-firing.json", startsAt("2024-05-14T12:00:18.493Z", "2024-05-14T12:01:03.117Z"));
        Response refire = ok(post("alertmanager", again, BEARER));
        assertThat(accepted(refire)).hasSize(2);
        String critical2 = incidentOf(accepted(refire).get(0));
        String warning2 = incidentOf(accepted(refire).get(1));
        assertThat(List.of(critical2, warning2)).doesNotContain(critical, warning);
        assertThat(critical2).isNotEqualTo(warning2);
        assertThat(incident(critical2).path("status").asText()).isEqualTo("declared");
        assertThat(incident(critical2).path("severity").asText()).isEqualTo("sev1");
        assertThat(incident(warning2).path("severity").asText()).isEqualTo("sev3");
        assertThat(timeline(critical2).get(0).path("data").path("fingerprint").asText())
                .isEqualTo(fixture.path("alerts").get(0).path("fingerprint").asText());

        long withTitle = 0;
        for (JsonNode i : http.get("/api/v1/incidents?limit=1000").json().path("incidents")) {
            if (i.path("title").asText().equals("KubePodCrashLooping: Pod is crash looping.")) {
                withTitle++;
            }
        }
        assertThat(withTitle).as("two incidents per alert over the lifecycle").isEqualTo(4);
    }

    // ---------------------------------------------------------------- Grafana

    @Test
    void grafanaFixturesCorrelateByFingerprintAndKeepDashboardPanelAndValues() {
        JsonNode fixture = WebhookFixtures.json("grafana-firing.json");
        byte[] firing = bytes("grafana-firing.json");

        Response first = ok(post("grafana", firing, BEARER));
        List<String> declares = accepted(first);
        assertThat(declares).hasSize(2);
        String db01 = incidentOf(declares.get(0));
        String db02 = incidentOf(declares.get(1));
        assertThat(db01).isNotEqualTo(db02);
        assertThat(incident(db01).path("severity").asText()).isEqualTo("sev1");
        assertThat(incident(db01).path("title").asText())
                .isEqualTo("Disk almost full: Disk /var/lib/postgresql on db-01 is almost full");
        assertThat(incident(db02).path("severity").asText()).isEqualTo("sev3");
        String[] ids = {db01, db02};
        for (int i = 0; i < 2; i++) {
            JsonNode alert = fixture.path("alerts").get(i);
            JsonNode data = timeline(ids[i]).get(0).path("data");
            assertThat(data.path("fingerprint").asText()).isEqualTo(alert.path("fingerprint").asText());
            assertThat(data.path("dashboardURL").asText()).isEqualTo(alert.path("dashboardURL").asText());
            assertThat(data.path("panelURL").asText()).isEqualTo(alert.path("panelURL").asText());
            assertThat(data.path("values")).isEqualTo(alert.path("values"));
            assertThat(data.path("labels")).isEqualTo(alert.path("labels"));
        }

        Response repeat = ok(post("grafana", firing, BEARER));
        assertThat(accepted(repeat)).isEmpty();
        assertThat(duplicates(repeat)).containsExactlyElementsOf(declares);

        // Only db-01 resolved; db-02 still fires.
        Response resolved = ok(post("grafana", bytes("grafana-resolved.json"), BEARER));
        assertThat(accepted(resolved)).hasSize(1);
        assertThat(incidentOf(accepted(resolved).get(0))).isEqualTo(db01);
        assertThat(incident(db01).path("status").asText()).isEqualTo("resolved");
        assertThat(incident(db02).path("status").asText()).isEqualTo("declared");
        assertThat(timeline(db01).get(1).path("data").path("values"))
                .isEqualTo(WebhookFixtures.json("grafana-resolved.json").path("alerts").get(0).path("values"));

        // Both fire again with new startsAt: db-01 gets a new incident, db-02's open incident absorbs the repeat.
        byte[] again = edited("grafana-firing.json", startsAt("2024-05-14T12:02:30+02:00", "2024-05-14T12:03:30+02:00"));
        Response refire = ok(post("grafana", again, BEARER));
        assertThat(accepted(refire)).hasSize(1);
        assertThat(ignored(refire)).isEqualTo(1);
        String db01Again = incidentOf(accepted(refire).get(0));
        assertThat(db01Again).isNotIn(db01, db02);
        assertThat(incident(db01Again).path("status").asText()).isEqualTo("declared");
        assertThat(timelineTypes(db02)).containsExactly("declare");
        assertThat(incident(db02).path("alertRepeats").asLong()).isEqualTo(2);

        // Keys are per source (grafana:<fp>, alertmanager:<fp>): the same alerts sent to /webhooks/alertmanager
        // open incidents of their own rather than joining Grafana's open ones.
        Response viaAlertmanager = ok(post("alertmanager", firing, BEARER));
        assertThat(accepted(viaAlertmanager)).hasSize(2);
        for (String e : accepted(viaAlertmanager)) {
            assertThat(incidentOf(e)).isNotIn(db01, db02, db01Again);
        }
    }
}
