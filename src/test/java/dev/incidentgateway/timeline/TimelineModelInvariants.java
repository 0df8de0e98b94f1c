package dev.incidentgateway.timeline;

import dev.incidentgateway.audit.ChainKey;
import dev.incidentgateway.timeline.TimelineReferenceModel.Inc;
import dev.incidentgateway.timeline.TimelineReferenceModel.Logged;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What must hold between the store and a {@link TimelineModelRun}'s model after every step ({@link #afterStep}), and of
 * the whole store after a run ({@link #afterRun}).
 */
final class TimelineModelInvariants {
    /**
     * The outbox subscriptions the contract turns on, with the minSeverity their descriptors declare
     * (connectors/slack.yaml, connectors/jira.yaml: every event type).
     */
    static final Map<String, Severity> SUBSCRIPTIONS = Map.of("slack", Severity.SEV4, "jira", Severity.SEV3);

    /** Small pages, so a run's feed crosses several; a byte budget that closes some of them early. */
    private static final int FEED_PAGE = 4;
    private static final long FEED_PAGE_BYTES = 3L * 26;

    private final TimelineStore store;
    private final DataSource dataSource;
    private final ChainKey chainKey;

    TimelineModelInvariants(TimelineStore store, ChainKey chainKey) {
        this.store = store;
        this.dataSource = store.dataSource();
        this.chainKey = chainKey;
    }

    void afterStep(TimelineModelRun run) {
        try {
            for (Inc inc : run.model.incidents.values()) {
                incidentAgrees(run, inc);
            }
            sinceFeedHoldsWhatWasAcknowledged(run);
            outboxRowsFollowTheLog(run);
            correlationKeysAgree(run);
            statusCountsAgreeWithTheViews();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void incidentAgrees(TimelineModelRun run, Inc inc) throws SQLException {
        Incident view = store.incident(inc.id).orElse(null);
        assertThat(view).as("run %s: view of %s", run.prefix, inc.id).isNotNull();
        String as = "run " + run.prefix + ", " + inc.id;
        assertThat(List.of(view.status(), view.lastSeq(), view.severity(), view.alertRepeats())).as(as + ": status, lastSeq, severity, repeats")
                .isEqualTo(List.of(inc.status, inc.seq, inc.severity, inc.repeats));
        List<TimelineEvent> log = store.timeline(inc.id, null, 10_000);
        assertThat(log).extracting(TimelineEvent::id).as(as + ": its log").containsExactlyElementsOf(inc.log.stream().map(l -> l.id).toList());
        Incident projected = null;
        for (TimelineEvent e : log) {
            projected = IncidentProjection.apply(projected, e); // what rebuild-views computes from the log
        }
        assertThat(view).as(as + ": the view against the log").isEqualTo(projected.withAlertRepeats(view.alertRepeats()));
        ChainVerifier.Report chain = store.verifier().verify(inc.id);
        assertThat(chain.broken()).as(as + ": its audit chain, view and derived rows (verify)").isEmpty();
    }

    /** The run's part of the Since feed, read by pages as the live stream reads it: every acknowledged event, once. */
    private void sinceFeedHoldsWhatWasAcknowledged(TimelineModelRun run) {
        List<TimelineEvent> feed = new ArrayList<>();
        String after = run.feedMark;
        while (true) {
            CappedPage<TimelineEvent> page = store.streamed().since(after, FEED_PAGE, FEED_PAGE_BYTES, new StreamedEvents.Sized<>() {
                @Override
                public TimelineEvent keep(TimelineEvent event) {
                    return event;
                }

                @Override
                public long bytes(TimelineEvent kept) {
                    return kept.id().length();
                }
            });
            feed.addAll(page.kept());
            if (!page.more(FEED_PAGE)) {
                break;
            }
            after = page.lastId();
        }
        Set<String> acknowledged = new HashSet<>();
        run.model.incidents.values().forEach(i -> i.log.forEach(l -> acknowledged.add(l.id)));
        assertThat(feed).extracting(TimelineEvent::id).as("run %s: the Since feed after %s", run.prefix, run.feedMark)
                .doesNotHaveDuplicates().isSorted().containsExactlyInAnyOrderElementsOf(acknowledged);
        Map<String, Long> lastSeq = new HashMap<>();
        for (TimelineEvent e : feed) {
            Long before = lastSeq.put(e.incidentId(), e.seq());
            assertThat(e.seq()).as("run %s: %s's seq in feed order", run.prefix, e.incidentId()).isEqualTo(before == null ? 1 : before + 1);
        }
    }

    /**
     * Each subscribed connector has a row for every event it takes (its minSeverity against the severity at the event,
     * none for events from its own poller), once, and an incident's rows in seq order.
     */
    private void outboxRowsFollowTheLog(TimelineModelRun run) throws SQLException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        List<String> ids = List.copyOf(run.model.incidents.keySet());
        if (ids.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT connector, incident_id, event_seq, event_id FROM outbox WHERE incident_id IN ("
                        + String.join(",", java.util.Collections.nCopies(ids.size(), "?")) + ") ORDER BY id")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2) + "#" + rs.getLong(3) + " " + rs.getString(4));
                }
            }
        }
        for (Map.Entry<String, Severity> sub : SUBSCRIPTIONS.entrySet()) {
            List<String> expected = new ArrayList<>();
            for (Inc inc : run.model.incidents.values()) {
                for (Logged l : inc.log) {
                    if (l.severityAt.ordinal() <= sub.getValue().ordinal() && !l.principal.equals("poller:" + sub.getKey())) {
                        expected.add(inc.id + "#" + l.seq + " " + l.id);
                    }
                }
            }
            List<String> got = rows.getOrDefault(sub.getKey(), List.of());
            assertThat(got).as("run %s: outbox rows of %s", run.prefix, sub.getKey()).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);
            Map<String, Long> lastSeq = new HashMap<>();
            for (String row : got) {
                String incident = row.substring(0, row.indexOf('#'));
                long seq = Long.parseLong(row.substring(row.indexOf('#') + 1, row.indexOf(' ')));
                Long before = lastSeq.put(incident, seq);
                assertThat(before == null || before < seq).as("run %s: %s's rows in seq order: %s", run.prefix, sub.getKey(), got).isTrue();
            }
        }
        assertThat(rows.keySet()).as("connectors with rows").isSubsetOf(SUBSCRIPTIONS.keySet());
    }

    private void correlationKeysAgree(TimelineModelRun run) throws SQLException {
        Map<String, String> open = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT correlation_key, incident_id FROM correlation_keys WHERE correlation_key LIKE ?")) {
            ps.setString(1, run.key(0).substring(0, run.key(0).length() - 1) + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    open.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        assertThat(open).as("run %s: open correlation keys", run.prefix).isEqualTo(run.model.openKeys);
    }

    private void statusCountsAgreeWithTheViews() throws SQLException {
        assertThat(counts("SELECT status, incidents FROM incident_status_counts WHERE incidents <> 0"))
                .as("incident_status_counts against a count of the views")
                .isEqualTo(counts("SELECT status, COUNT(*) FROM incidents GROUP BY status"));
    }

    private Map<String, Long> counts(String sql) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /**
     * The whole store: every view as rebuild-views would compute it, every chain and the global chain (verify's code); then
     * rebuild-views itself, which must change no view (alert repeats carried over) and no count.
     */
    void afterRun() {
        try {
            ViewRebuilder rebuilder = new ViewRebuilder(dataSource, store.dialect());
            Map<String, Incident> rebuilt = rebuilder.computeViews();
            Map<String, Incident> views = new HashMap<>();
            for (String id : rebuilt.keySet()) {
                store.incident(id).ifPresent(v -> views.put(id, v.withAlertRepeats(0)));
            }
            assertThat(views).as("every view against rebuild-views' computation").isEqualTo(rebuilt);
            assertThat(counts("SELECT 'all', COUNT(*) FROM incidents")).as("views without events").isEqualTo(Map.of("all", (long) rebuilt.size()));
            ChainVerifier.Report chains = store.verifier().verifyAll();
            assertThat(chains.broken()).as("verify: incidents").isEmpty();
            assertThat(chains.problems()).as("verify: status counts").isEmpty();
            GlobalChainVerifier.Report global = new GlobalChainVerifier(dataSource, chainKey).verify(List.of());
            assertThat(global.problems()).as("verify: the global chain").isEmpty();
            statusCountsAgreeWithTheViews();
            Map<String, Long> counts = counts("SELECT status, incidents FROM incident_status_counts");
            Map<String, Incident> before = new HashMap<>();
            rebuilt.keySet().forEach(id -> before.put(id, store.incident(id).orElseThrow()));
            assertThat(rebuilder.rebuild()).as("rebuild-views: incidents").isEqualTo(rebuilt.size());
            for (Map.Entry<String, Incident> view : before.entrySet()) {
                assertThat(store.incident(view.getKey())).as("%s after rebuild-views", view.getKey()).contains(view.getValue());
            }
            assertThat(counts("SELECT status, incidents FROM incident_status_counts")).as("counts after rebuild-views").isEqualTo(counts);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
