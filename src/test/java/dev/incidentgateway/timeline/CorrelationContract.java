package dev.incidentgateway.timeline;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Correlation keys inside the append transaction, on each kind of store. */
abstract class CorrelationContract extends AuditAndRebuildContract {

    static NewEvent firing(String key, String startsAt) {
        return NewEvent.builder(EventType.DECLARE, "alertmanager").title("HighLatency").correlationKey(key)
                .source("urn:test:am").ceId(key + ":firing:" + startsAt).build();
    }

    static NewEvent resolved(String key, String endsAt) {
        return NewEvent.builder(EventType.RESOLVE, "alertmanager").correlationKey(key)
                .source("urn:test:am").ceId(key + ":resolved:" + endsAt).build();
    }

    @Test
    void firingRepeatResolvedFiringAgainMakesTwoIncidents() throws SQLException {
        String key = "am:" + newId();
        AppendOutcome first = store.append(firing(key, "t1"));
        assertThat(first.kind()).isEqualTo(AppendOutcome.Kind.APPENDED);
        String incident = first.incidentId();

        long events = countEvents();
        AppendOutcome repeat = store.append(firing(key, "t1"));            // same payload re-sent
        assertThat(repeat.kind()).isEqualTo(AppendOutcome.Kind.DUPLICATE);
        AppendOutcome flap = store.append(firing(key, "t1b"));             // same key, other start: still that incident
        assertThat(flap.kind()).isEqualTo(AppendOutcome.Kind.CORRELATED);
        assertThat(flap.incidentId()).isEqualTo(incident);
        assertThat(countEvents()).isEqualTo(events);
        assertThat(store.incident(incident).orElseThrow().alertRepeats()).isEqualTo(2);

        AppendOutcome resolve = store.append(resolved(key, "t2"));
        assertThat(resolve.kind()).isEqualTo(AppendOutcome.Kind.APPENDED);
        assertThat(resolve.incidentId()).isEqualTo(incident);
        assertThat(store.incident(incident).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(store.append(resolved(key, "t2")).kind()).isEqualTo(AppendOutcome.Kind.DUPLICATE);

        AppendOutcome again = store.append(firing(key, "t3"));
        assertThat(again.kind()).isEqualTo(AppendOutcome.Kind.APPENDED);
        assertThat(again.incidentId()).isNotEqualTo(incident);
        assertThat(store.incident(again.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.DECLARED);
        assertVerifies(incident, again.incidentId());
    }

    /**
     * Requests queued together share one group transaction, whose dedup, correlation and incident numbers are looked up
     * once for the group: every request must still see what the requests before it did, exactly as if each were
     * committed alone, and a refused request leaves nothing behind (not even its correlation key).
     */
    @Test
    void requestsOfOneGroupSeeEachOtherAndARefusedOneLeavesNoKey() throws Exception {
        String k = "am:" + newId();
        String k2 = "am:" + newId();
        String k3 = "am:" + newId();
        List<java.util.concurrent.CompletableFuture<List<AppendOutcome>>> queued = List.of(
                store.appendAllAsync(List.of(firing(k, "1"))),
                store.appendAllAsync(List.of(firing(k, "2"))),
                store.appendAllAsync(List.of(firing(k2, "1"),
                        NewEvent.builder(EventType.ACK, "alice").incident("NOPE-" + newId()).build())),
                store.appendAllAsync(List.of(firing(k2, "1"))),
                store.appendAllAsync(List.of(firing(k3, "1"), resolved(k3, "1"))),
                store.appendAllAsync(List.of(firing(k3, "2"))),
                store.appendAllAsync(List.of(firing(k, "1"))));
        List<AppendOutcome> first = queued.get(0).get();
        assertThat(first.get(0).kind()).isEqualTo(AppendOutcome.Kind.APPENDED);
        String a = first.get(0).incidentId();
        assertThat(queued.get(1).get().get(0)).extracting(AppendOutcome::kind, AppendOutcome::incidentId)
                .containsExactly(AppendOutcome.Kind.CORRELATED, a);
        assertThatThrownBy(() -> queued.get(2).join()).hasCauseInstanceOf(IncidentNotFoundException.class);
        AppendOutcome b = queued.get(3).get().get(0);
        assertThat(b.kind()).as("the refused request neither stored its event nor bound its key").isEqualTo(AppendOutcome.Kind.APPENDED);
        List<AppendOutcome> c = queued.get(4).get();
        assertThat(c).extracting(AppendOutcome::kind).containsExactly(AppendOutcome.Kind.APPENDED, AppendOutcome.Kind.APPENDED);
        assertThat(c.get(1).incidentId()).isEqualTo(c.get(0).incidentId());
        AppendOutcome d = queued.get(5).get().get(0);
        assertThat(d.kind()).as("declared again after its resolve in the same group: a new incident").isEqualTo(AppendOutcome.Kind.APPENDED);
        assertThat(List.of(a, b.incidentId(), c.get(0).incidentId(), d.incidentId())).doesNotHaveDuplicates();
        assertThat(queued.get(6).get().get(0)).extracting(AppendOutcome::kind, o -> o.event().id())
                .containsExactly(AppendOutcome.Kind.DUPLICATE, first.get(0).event().id());

        // What the group committed to correlation_keys: each key names its open incident, the resolved one none.
        assertThat(store.append(firing(k, "3")).incidentId()).isEqualTo(a);
        assertThat(store.append(firing(k2, "3")).incidentId()).isEqualTo(b.incidentId());
        assertThat(store.append(firing(k3, "3")).incidentId()).isEqualTo(d.incidentId());
        assertThat(store.incident(c.get(0).incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertVerifies(a, b.incidentId(), c.get(0).incidentId(), d.incidentId());
    }

    /**
     * The on-call trial's repeat: resolved twice by the alert, the second incident reopened by a responder; the alert's
     * next firing counts on the reopened incident instead of declaring a third.
     */
    @Test
    void aReopenedIncidentCollectsItsAlertAgain() throws SQLException {
        String key = "am:" + newId();
        String first = store.append(firing(key, "t1")).incidentId();
        store.append(resolved(key, "t2"));
        String second = store.append(firing(key, "t3")).incidentId();
        assertThat(second).isNotEqualTo(first);
        store.append(resolved(key, "t4"));

        store.append(stateChange(second, "acknowledged"));
        AppendOutcome again = store.append(firing(key, "t5"));
        assertThat(again).extracting(AppendOutcome::kind, AppendOutcome::incidentId)
                .containsExactly(AppendOutcome.Kind.CORRELATED, second);
        assertThat(store.incident(second).orElseThrow().alertRepeats()).isEqualTo(1);
        assertThat(store.append(resolved(key, "t6")).incidentId()).as("the alert resolves it again").isEqualTo(second);
        assertThat(store.incident(second).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(store.incident(first).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertVerifies(first, second);
    }

    @Test
    void aReopenLeavesTheKeyWithTheOpenIncidentThatTookItMeanwhile() {
        String key = "am:" + newId();
        String old = store.append(firing(key, "t1")).incidentId();
        store.append(resolved(key, "t2"));
        String current = store.append(firing(key, "t3")).incidentId();

        store.append(stateChange(old, "acknowledged"));
        assertThat(store.append(firing(key, "t4"))).extracting(AppendOutcome::kind, AppendOutcome::incidentId)
                .containsExactly(AppendOutcome.Kind.CORRELATED, current);
        store.append(resolved(key, "t5"));
        assertThat(store.incident(current).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(store.incident(old).orElseThrow().status()).as("the resolve went to the key's holder")
                .isEqualTo(IncidentStatus.ACKNOWLEDGED);
        assertVerifies(old, current); // old is open without its key: current took it meanwhile
    }

    /** Resolved and reopened in one request (so in one group): the key is released, then bound again, in one commit. */
    @Test
    void aResolveAndReopenInOneGroupKeepTheKey() {
        String key = "am:" + newId();
        String incident = store.append(firing(key, "t1")).incidentId();
        store.appendAll(List.of(resolved(key, "t2"), stateChange(incident, "acknowledged")));
        assertThat(store.append(firing(key, "t3")).incidentId()).isEqualTo(incident);
        // and a firing, resolve and reopen never committed apart: the key bound in the group is the one bound again
        String key2 = "am:" + newId();
        List<AppendOutcome> fresh = store.appendAll(List.of(firing(key2, "t1"), resolved(key2, "t2")));
        store.appendAll(List.of(stateChange(fresh.get(0).incidentId(), "acknowledged"), firing(key2, "t3")));
        assertThat(store.incident(fresh.get(0).incidentId()).orElseThrow().alertRepeats()).isEqualTo(1);
        assertVerifies(incident, fresh.get(0).incidentId());
    }

    /** ServiceNow and Jira pollers reopen as a state change to acknowledged. */
    @Test
    void aPolledReopenBindsTheKeyToo() {
        String key = "am:" + newId();
        String incident = store.append(firing(key, "t1")).incidentId();
        store.append(resolved(key, "t2"));
        assertThat(store.appendPolled(List.of(stateChange(incident, "acknowledged")), new SourceProgress("reopen-test", "w1")))
                .extracting(AppendOutcome::kind).containsExactly(AppendOutcome.Kind.APPENDED);
        assertThat(store.append(firing(key, "t3"))).extracting(AppendOutcome::kind, AppendOutcome::incidentId)
                .containsExactly(AppendOutcome.Kind.CORRELATED, incident);
        assertVerifies(incident);
    }

    /** What correlation_keys and released_correlation_keys hold of these incidents is what verify derives from their logs. */
    private void assertVerifies(String... incidents) {
        for (String id : incidents) {
            try {
                assertThat(store.verifier().verify(id).broken()).as(id).isEmpty();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void resolveOfAnUnknownKeyIsIgnored() throws SQLException {
        long events = countEvents();
        AppendOutcome o = store.append(resolved("am:never-seen-" + newId(), "t"));
        assertThat(o.kind()).isEqualTo(AppendOutcome.Kind.IGNORED);
        assertThat(countEvents()).isEqualTo(events);
    }

    @Test
    void resolvingThroughTheApiReleasesTheKey() {
        String key = "am:" + newId();
        String incident = store.append(firing(key, "t1")).incidentId();
        store.append(NewEvent.builder(EventType.RESOLVE, "human").incident(incident).build());
        assertThat(store.append(firing(key, "t1-later")).incidentId()).isNotEqualTo(incident);
    }

    @Test
    void twoFiringsOfOneNewAlertInOneRequestDeclareOnce() {
        String key = "am:" + newId();
        List<AppendOutcome> outcomes = store.appendAll(List.of(firing(key, "a"), firing(key, "b")));
        assertThat(outcomes).extracting(AppendOutcome::kind)
                .containsExactly(AppendOutcome.Kind.APPENDED, AppendOutcome.Kind.CORRELATED);
        assertThat(outcomes.get(1).incidentId()).isEqualTo(outcomes.get(0).incidentId());
    }

    @Test
    void aRefusedRequestUndoesItsBindings() throws SQLException {
        String key = "am:" + newId();
        String other = newId();
        store.append(declare(other));
        long events = countEvents();
        // the firing would bind the key, but the close in the same request is refused: nothing stays
        assertThatThrownBy(() -> store.appendAll(List.of(firing(key, "x"), event(other, EventType.CLOSE))))
                .isInstanceOf(TransitionRefusedException.class);
        assertThat(countEvents()).isEqualTo(events);
        AppendOutcome later = store.append(firing(key, "y"));
        assertThat(later.kind()).isEqualTo(AppendOutcome.Kind.APPENDED);
    }

    @Test
    void rebuildKeepsTheRepeatCounter() throws SQLException {
        String key = "am:" + newId();
        String incident = store.append(firing(key, "t1")).incidentId();
        store.append(firing(key, "t1"));
        new ViewRebuilder(dataSource, dialect).rebuild();
        assertThat(store.incident(incident).orElseThrow().alertRepeats()).isEqualTo(1);
    }

    @Test
    void polledChangesCommitTheirWatermarkWithThemAndARefusedOneDoesNotBlockTheRest() throws SQLException {
        String id = newId();
        long before = countEvents();
        List<AppendOutcome> outcomes = store.appendPolled(List.of(
                NewEvent.builder(EventType.DECLARE, "servicenow").incident(id).title("From ITSM").source("/connectors/servicenow")
                        .ceId(id + ":created").build(),
                event(id, EventType.CLOSE), // refused: not resolved yet
                NewEvent.builder(EventType.ACK, "servicenow").incident(id).source("/connectors/servicenow").ceId(id + ":state2").build()),
                new SourceProgress("servicenow-test", "2026-11-23 10:00:00"));
        assertThat(outcomes).extracting(AppendOutcome::kind).containsExactly(
                AppendOutcome.Kind.APPENDED, AppendOutcome.Kind.REFUSED, AppendOutcome.Kind.APPENDED);
        assertThat(countEvents()).isEqualTo(before + 2);
        assertThat(store.watermark("servicenow-test")).contains("2026-11-23 10:00:00");

        // a re-read of the same changes (overlap window) appends nothing and moves the watermark on
        List<AppendOutcome> again = store.appendPolled(List.of(
                NewEvent.builder(EventType.DECLARE, "servicenow").incident(id).title("From ITSM").source("/connectors/servicenow")
                        .ceId(id + ":created").build()), new SourceProgress("servicenow-test", "2026-11-23 10:05:00"));
        assertThat(again).extracting(AppendOutcome::kind).containsExactly(AppendOutcome.Kind.DUPLICATE);
        assertThat(countEvents()).isEqualTo(before + 2);
        assertThat(store.watermark("servicenow-test")).contains("2026-11-23 10:05:00");
    }
}
