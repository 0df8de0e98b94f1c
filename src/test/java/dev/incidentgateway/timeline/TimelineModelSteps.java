package dev.incidentgateway.timeline;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;

/**
 * The steps of {@link TimelineModelContract}, as data that names incidents, idempotency ids and alert keys symbolically
 * (the n-th incident the run knows, a fresh id, the k-th key), so a step means the same when jqwik replays a shrunk chain
 * in a new run with its own names. {@link TimelineModelRun} turns a step into real {@link NewEvent}s.
 */
final class TimelineModelSteps {
    private TimelineModelSteps() {
    }

    /** Which incident an event names: the n-th the run knows ({@code >= 0}), or one of these. */
    static final int NEW_ID = -1;
    static final int NO_ID = -2;
    static final int UNKNOWN = -3;

    enum Seq { NONE, RIGHT, WRONG }

    /** Who sends it: the API, an alert webhook, or Jira's poller (whose events the Jira sink does not take back). */
    static final List<String> PRINCIPALS = List.of("key:model", "webhook:alertmanager", "poller:jira");

    /**
     * One event: {@code to} and {@code severity} of a state_change (either or both); {@code severity} of a declare;
     * {@code blank}: a note without content (bad input); {@code key}: an alert key's index ({@code null}: none).
     */
    record EventSpec(EventType type, int target, Severity severity, IncidentStatus to, boolean blank, Seq seq,
                     boolean ceId, int principal, Integer key) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(type.wireName());
            s.append(switch (target) {
                case NEW_ID -> " new-id";
                case NO_ID -> "";
                case UNKNOWN -> " unknown-incident";
                default -> " #" + target;
            });
            if (to != null) {
                s.append(" to=").append(to.wireName());
            }
            if (severity != null) {
                s.append(' ').append(severity.wireName());
            }
            if (key != null) {
                s.append(" key").append(key);
            }
            if (blank) {
                s.append(" blank");
            }
            if (seq != Seq.NONE) {
                s.append(" expectedSeq=").append(seq.name().toLowerCase(java.util.Locale.ROOT));
            }
            return s.append(ceId ? " ce" : "").append(principal == 0 ? "" : " by " + PRINCIPALS.get(principal)).toString();
        }
    }

    /** One append request. */
    record Submission(List<EventSpec> events, AppendMode mode) {
        @Override
        public String toString() {
            return (mode == AppendMode.ALL_OR_NOTHING ? "" : mode.name().toLowerCase(java.util.Locale.ROOT) + " ") + events;
        }
    }

    /**
     * A step: requests sent one after the other, or at once from a thread each ({@code concurrent}); or the resend of the
     * {@code resend}-th request the run sent with idempotency ids ({@code >= 0}), its body {@code altered} or not.
     */
    record Step(List<Submission> submissions, boolean concurrent, int resend, boolean altered) {
        @Override
        public String toString() {
            if (resend >= 0) {
                return "resend #" + resend + (altered ? " with another body" : "");
            }
            return (concurrent ? "at once: " : "") + submissions;
        }
    }

    static Arbitrary<Step> steps() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, declares().map(TimelineModelSteps::single)),
                net.jqwik.api.Tuple.of(8, events(Arbitraries.integers().between(0, 5)).map(TimelineModelSteps::single)),
                net.jqwik.api.Tuple.of(2, reopens().map(TimelineModelSteps::single)),
                net.jqwik.api.Tuple.of(4, alerts().map(e -> new Step(List.of(new Submission(List.of(e), AppendMode.SENDER_BATCH)), false, -1, false))),
                net.jqwik.api.Tuple.of(1, alerts().list().ofMinSize(2).ofMaxSize(4) // one firing twice: declared, then a repeat
                        .map(e -> new Step(List.of(new Submission(e, AppendMode.SENDER_BATCH)), false, -1, false))),
                net.jqwik.api.Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, 20), Arbitraries.of(true, false))
                        .as((n, altered) -> new Step(List.of(), false, n, altered))),
                net.jqwik.api.Tuple.of(2, batches()),
                net.jqwik.api.Tuple.of(3, concurrent()));
    }

    private static Step single(EventSpec e) {
        return new Step(List.of(new Submission(List.of(e), AppendMode.ALL_OR_NOTHING)), false, -1, false);
    }

    static Arbitrary<EventSpec> declares() {
        Arbitrary<Integer> targets = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, Arbitraries.of(NEW_ID, NO_ID)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 5))); // now and then an id that is taken
        return Combinators.combine(targets, severities(), Arbitraries.of(true, false), principals())
                .as((target, severity, ce, who) -> new EventSpec(EventType.DECLARE, target, severity, null, false, Seq.NONE, ce, who, null));
    }

    /** Any type but declare on an incident the run knows (now and then one it does not), with or without expectedSeq. */
    static Arbitrary<EventSpec> events(Arbitrary<Integer> targets) {
        Arbitrary<EventType> types = Arbitraries.of(EventType.ACK, EventType.MITIGATE, EventType.RESOLVE, EventType.CLOSE,
                EventType.NOTE, EventType.ROLE_ASSIGN, EventType.STATE_CHANGE, EventType.STATE_CHANGE);
        Arbitrary<Integer> target = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(30, targets),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(UNKNOWN)));
        Arbitrary<Seq> seq = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, Arbitraries.just(Seq.NONE)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Seq.RIGHT)), net.jqwik.api.Tuple.of(1, Arbitraries.just(Seq.WRONG)));
        Arbitrary<Boolean> blank = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(15, Arbitraries.just(false)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(true)));
        return Combinators.combine(types, target, severities(), Arbitraries.of(IncidentStatus.class).injectNull(0.5), blank, seq,
                        Arbitraries.of(true, false), principals())
                .as((type, t, severity, to, b, s, ce, who) -> type == EventType.STATE_CHANGE
                        ? new EventSpec(type, t, to == null && severity == null ? Severity.SEV1 : severity, to, false, s, ce, who, null)
                        : new EventSpec(type, t, null, null, type == EventType.NOTE && b, s, ce, who, null));
    }

    static Arbitrary<EventSpec> reopens() {
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.of(true, false))
                .as((t, ce) -> new EventSpec(EventType.STATE_CHANGE, t, null, IncidentStatus.ACKNOWLEDGED, false, Seq.NONE, ce, 0, null));
    }

    /**
     * An alert: a declare by key (new, a repeat while open, or after its incident was resolved; now and then with an id of
     * its own, as a REST declare with a correlationKey), or a change by key.
     */
    static Arbitrary<EventSpec> alerts() {
        Arbitrary<EventType> types = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, Arbitraries.just(EventType.DECLARE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(EventType.ACK, EventType.RESOLVE)));
        Arbitrary<Integer> targets = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, Arbitraries.just(NO_ID)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(NEW_ID)));
        return Combinators.combine(types, targets, severities(), Arbitraries.integers().between(0, 2), Arbitraries.of(true, true, false))
                .as((type, target, severity, key, ce) -> type == EventType.DECLARE
                        ? new EventSpec(type, target, severity, null, false, Seq.NONE, ce, target == NEW_ID ? 0 : 1, key)
                        : new EventSpec(type, NO_ID, null, null, false, Seq.NONE, ce, 1, key));
    }

    /** Two to four events on one or two incidents, all or nothing, as a sender's batch or a poller's page: often one is refused. */
    static Arbitrary<Step> batches() {
        return Combinators.combine(events(Arbitraries.integers().between(0, 1)).list().ofMinSize(2).ofMaxSize(4),
                        Arbitraries.of(AppendMode.ALL_OR_NOTHING, AppendMode.SENDER_BATCH, AppendMode.EACH_EVENT))
                .as((events, mode) -> new Step(List.of(new Submission(events, mode)), false, -1, false));
    }

    /** Two to four requests at once, one or two events each, on the same incident or on two. */
    static Arbitrary<Step> concurrent() {
        Arbitrary<EventSpec> one = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, events(Arbitraries.integers().between(0, 1))),
                net.jqwik.api.Tuple.of(1, declares()), net.jqwik.api.Tuple.of(2, alerts()));
        return one.list().ofMinSize(1).ofMaxSize(2)
                .map(e -> new Submission(e, e.stream().anyMatch(x -> x.key() != null) ? AppendMode.SENDER_BATCH : AppendMode.ALL_OR_NOTHING))
                .list().ofMinSize(2).ofMaxSize(4).map(s -> new Step(s, true, -1, false));
    }

    private static Arbitrary<Severity> severities() {
        return Arbitraries.of(Severity.class).injectNull(0.2);
    }

    private static Arbitrary<Integer> principals() {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, Arbitraries.just(0)), net.jqwik.api.Tuple.of(1, Arbitraries.just(2)));
    }
}
