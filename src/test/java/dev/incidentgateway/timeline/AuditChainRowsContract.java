package dev.incidentgateway.timeline;

import dev.incidentgateway.audit.ChainKeys;
import dev.incidentgateway.config.ConfigException;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.store.SqlDialect;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The keyed audit chain's rows against a database admin, on each kind of store (H2 and PostgreSQL subclasses): rows
 * rewritten with recomputed unkeyed hashes, a whole incident or an incident's event deleted, unreadable rows, data not
 * in its canonical form, the upgrade of a store from before keyed hashing, two writers on one chain, another chain key.
 */
abstract class AuditChainRowsContract extends AuditChainHarness {
    @Test
    void anUntouchedLogVerifiesWithItsCheckpoint() throws Exception {
        startGateway();
        appendWorkload();
        checkpoint();
        assertThat(audit.checkpointer().checkpointIfMoved()).as("head did not move: no new checkpoint").isEmpty();
        TimelineEvent first = store.timeline("A-1", null, 1).get(0);
        assertThat(first.hash()).as("keyed, not the old formula").isNotEqualTo(EventHasher.legacyHash(first.prevHash(), first));

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("OK: 3 incidents, 12 events").contains("1 signed checkpoint");
    }

    @Test
    void aRowRewrittenWithRecomputedUnkeyedHashesIsDetected() throws Exception {
        startGateway();
        appendWorkload();
        TimelineEvent target = store.timeline("B-1", null, 10).get(1);
        admin.rewriteWithUnkeyedHashes("B-1", target.seq(), "nothing happened here", false);

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("incident B-1 at seq 2").contains("hash does not match");
        assertThat(store.verifier().verify("B-1").intact()).isFalse();
    }

    @Test
    void aRowRewrittenAsIfWrittenBeforeTheUpgradeIsDetected() throws Exception {
        startGateway();
        appendWorkload();
        admin.rewriteWithUnkeyedHashes("C-1", 1, null, true); // global hashes of C-1 cleared: "legacy" rows

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("has no global hash after the keyed chain began");
    }

    @Test
    void aWholeIncidentDeletedIsDetected() throws Exception {
        startGateway();
        appendWorkload();
        admin.deleteIncident("B-1");

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("the global chain breaks here");
    }

    @Test
    void anEventRemovedFromAnIncidentIsNamedForWhatTheViewSaysOfIt() throws Exception {
        startGateway();
        appendWorkload(); // every incident has seq 1..4
        admin.asAdmin(c -> {
            try (java.sql.Statement st = c.createStatement()) {
                // B-1: its last event deleted, the view left as it was; C-1: the same, and the view's seq rewound to 3
                // as an admin covering the cut would (the head's hash is still the deleted event's)
                st.executeUpdate("DELETE FROM timeline_events WHERE incident_id IN ('B-1', 'C-1') AND seq = 4");
                st.executeUpdate("UPDATE incidents SET last_seq = 3 WHERE id = 'C-1'");
            }
        });
        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("the log ends at seq 3 but the incident's view says its last event is seq 4 (events removed)")
                .contains("the hash the incident's view holds for its last event (seq 3) is not that event's")
                .doesNotContain("(seq 3) is not in the log");
    }


    @Test
    void aStoreFromBeforeKeyedHashingUpgradesInPlaceAndItsEventsStaySealed() throws Exception {
        LegacyWriter legacy = new LegacyWriter(dataSource);
        legacy.incident("OLD-1", 3);
        legacy.incident("OLD-2", 2);
        Run before = verify();
        assertThat(before.exit()).as("a legacy store verifies without a key: " + before.output()).isZero();

        startGateway();
        store.append(note("OLD-1", "after the upgrade"));
        store.append(declare("NEW-1"));
        checkpoint();
        Run upgraded = verify();
        assertThat(upgraded.exit()).as(upgraded.output()).isZero();
        assertThat(upgraded.output()).contains("OK: 3 incidents, 7 events").contains("5 events from before keyed hashing");

        admin.rewriteWithUnkeyedHashes("OLD-2", 2, "rewritten after the upgrade", false);
        assertThat(store.verifier().verify("OLD-2").intact()).as("alone, an unkeyed chain can be recomputed").isTrue();
        Run tampered = verify();
        assertThat(tampered.exit()).as(tampered.output()).isEqualTo(1);
        assertThat(tampered.output()).contains("events from before the upgrade were changed, removed or added");
    }

    @Test
    void twoInstancesAppendingAtOnceKeepOneGlobalChain() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dialect == SqlDialect.POSTGRESQL, "one writer per H2 store");
        startGateway();
        store.append(declare("A-1"));
        store.append(declare("B-1"));
        try (TimelineStore other = new TimelineStore(dataSource, dialect, "dev.incidentgateway", 64, 1000, new SimpleMeterRegistry(),
                audit.chainKey(), List.of())) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    TimelineStore s = i % 2 == 0 ? store : other;
                    String id = i % 3 == 0 ? "A-1" : "B-1";
                    int n = i;
                    done.add(pool.submit(() -> s.append(note(id, "n" + n))));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
        checkpoint();
        Run run = verify();
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("202 events");
    }

    @Test
    void aGatewayWithAnotherChainKeyRefusesToStart() throws SQLException {
        startGateway();
        String other = "ab".repeat(32);
        GatewayConfig wrong = testStore.config(Map.of("GATEWAY_CHAIN_KEY", other));
        assertThatThrownBy(() -> ChainKeys.forGateway(wrong, dataSource)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("GATEWAY_CHAIN_KEY").hasMessageContaining("share one chain key").hasMessageNotContaining(other);
        GatewayConfig none = testStore.config(Map.of("GATEWAY_CHAIN_KEY", ""));
        assertThatThrownBy(() -> ChainKeys.forGateway(none, dataSource)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("restore");
        assertThat(ChainKeys.matchesStore(testStore.chainKey(), dataSource)).isTrue();
    }


    /** A row no reader can parse stops nothing: verify names it and goes on to the other incidents and the global chain. */
    @Test
    void anUnreadableEventRowIsReportedAndTheCheckGoesOn() throws Exception {
        startGateway();
        appendWorkload();
        TimelineEvent notJson = store.timeline("A-1", null, 10).get(1);
        TimelineEvent noType = store.timeline("B-1", null, 10).get(2);
        asAdmin("UPDATE timeline_events SET data = 'not json' WHERE id = '" + notJson.id() + "'",
                "UPDATE timeline_events SET type = 'NOTE' WHERE id = '" + noType.id() + "'");
        asAdmin("UPDATE incidents SET title = 'benign' WHERE id = 'C-1'"); // checked after both, in incident order

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("BROKEN: incident A-1 at seq 2 (event " + notJson.id() + "): the row cannot be read: its data is not valid JSON")
                .contains("BROKEN: incident B-1 at seq 3 (event " + noType.id() + "): the row cannot be read: its type is no event type")
                .contains("BROKEN: incident C-1 at seq 4").contains("view title is 'benign'")
                .contains("3 problems found in 3 incidents, 12 events");
        assertThatThrownBy(() -> store.timeline("A-1", null, 10)).isInstanceOfSatisfying(UnreadableEventException.class,
                e -> assertThat(e.eventId()).isEqualTo(notJson.id()));
        assertThatThrownBy(() -> store.since(null, 100)).isInstanceOf(UnreadableEventException.class);
    }

    /**
     * The writer stores data exactly as it hashes it; another spelling of the same JSON parses to the same tree (and so
     * passed the hash check before): extra whitespace, a duplicate key, a second document after the first, an escape.
     */
    @Test
    void dataNotStoredInItsCanonicalFormIsDetected() throws Exception {
        startGateway();
        appendWorkload();
        store.append(declare("D-1"));
        String key = "\"correlationKey\":null,"; // every declare records the correlation key it bound (none here)
        Map<String, String> spelt = Map.of("A-1", "{" + key + "\"severity\": \"sev2\"}", "B-1", "{" + key
                        + "\"severity\":\"sev1\",\"severity\":\"sev2\"}", "C-1", "{" + key + "\"severity\":\"sev2\"} {\"severity\":\"sev1\"}",
                "D-1", "{" + key + "\"severity\":\"\\u0073ev2\"}");
        assertThat(store.timeline("A-1", null, 1).get(0).data().toString()).isEqualTo("{" + key + "\"severity\":\"sev2\"}");
        admin.asAdmin(c -> {
            for (Map.Entry<String, String> e : spelt.entrySet()) {
                try (java.sql.PreparedStatement ps = c.prepareStatement("UPDATE timeline_events SET data = ? WHERE incident_id = ? AND seq = 1")) {
                    ps.setString(1, e.getValue());
                    ps.setString(2, e.getKey());
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
            }
        });

        Run run = verify();
        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        for (String id : spelt.keySet()) {
            assertThat(run.output()).contains("BROKEN: incident " + id + " at seq 1 (event " + store.timeline(id, null, 1).get(0).id()
                    + "): data is not stored in its canonical form");
        }
    }
}
