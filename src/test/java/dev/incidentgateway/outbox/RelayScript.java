package dev.incidentgateway.outbox;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

import java.util.List;

/**
 * One generated run of {@link OutboxRelayPropertyContract}: the connectors and incidents, the relay's concurrency, the
 * steps the test thread takes while the relays deliver, and the tape the vendor's answers are read from. jqwik shrinks
 * all of it: fewer steps, fewer connectors, and answers towards plain success.
 *
 * <p>The answers are a tape, not a random draw at call time, so a run answers the same whatever the threads' order: the
 * n-th call of a row reads a tape position fixed by the row (connector, incident, seq) and n ({@link #answer}).
 */
record RelayScript(int connectors, int incidents, int concurrency, List<Step> steps, List<Answer> answers) {
    /** Calls of one row after which the vendor always succeeds, so a row that keeps being rate-limited ends too. */
    static final int SCRIPTED_CALLS_PER_ROW = 6;

    sealed interface Step {
    }

    /** {@code events} events of incident {@code incident} commit, one by one (its first a declare, then notes). */
    record Append(int incident, int events) implements Step {
    }

    /** The test thread waits, while the relays deliver. */
    record Pause(int millis) implements Step {
    }

    /** An operator replays the {@code pick}-th dead row (modulo their number; none: nothing). */
    record ReplayDead(int pick) implements Step {
    }

    /** An operator skips the {@code pick}-th dead row. */
    record SkipDead(int pick) implements Step {
    }

    /** An operator replays every dead row of one connector ({@code POST /api/v1/outbox/replay?connector=}). */
    record ReplayConnector(int connector) implements Step {
    }

    /**
     * The last instance stops as a gateway does at shutdown (stop claiming, wait {@code drainMillis} for deliveries under
     * way, then abandon them: their rows keep their claims) and starts again.
     */
    record Restart(int drainMillis) implements Step {
    }

    enum Kind { SUCCESS, RETRYABLE, RATE_LIMITED, PERMANENT, HANG, EXCEPTION }

    /** @param retryAfterMillis the Retry-After of a rate-limited answer */
    record Answer(Kind kind, int retryAfterMillis) {
        static final Answer SUCCESS = new Answer(Kind.SUCCESS, 0);
    }

    /** The answer to call {@code call} (0 first) of the row of {@code connector}, {@code incident}, {@code seq}. */
    Answer answer(int connector, int incident, long seq, int call) {
        if (answers.isEmpty() || call >= SCRIPTED_CALLS_PER_ROW) {
            return Answer.SUCCESS;
        }
        long position = connector * 31L + incident * 17L + seq * 7L + call;
        return answers.get((int) (position % answers.size()));
    }

    static Arbitrary<RelayScript> scripts(int maxSteps) {
        Arbitrary<Integer> connectors = Arbitraries.integers().between(2, 3);
        Arbitrary<Integer> incidents = Arbitraries.integers().between(1, 4);
        Arbitrary<Integer> concurrency = Arbitraries.integers().between(1, 3);
        return Combinators.combine(connectors, incidents, concurrency, anyStep().list().ofMinSize(8).ofMaxSize(maxSteps)
                        .withSizeDistribution(RandomDistribution.uniform()),
                anyAnswer().list().ofMinSize(4).ofMaxSize(24).withSizeDistribution(RandomDistribution.uniform())).as(RelayScript::new);
    }

    private static Arbitrary<Step> anyStep() {
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 20);
        return Arbitraries.frequencyOf(
                Tuple.of(12, Combinators.combine(Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(1, 3)).as(Append::new)),
                Tuple.of(4, Arbitraries.integers().between(0, 400).map(Pause::new)),
                Tuple.of(2, pick.map(ReplayDead::new)),
                Tuple.of(2, pick.map(SkipDead::new)),
                Tuple.of(1, Arbitraries.integers().between(0, 2).map(ReplayConnector::new)),
                Tuple.of(1, Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers()
                        .between(1, 400))).map(Restart::new))); // half of them abandon whatever is under way
    }

    private static Arbitrary<Answer> anyAnswer() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(40, Kind.SUCCESS),
                Tuple.of(16, Kind.RETRYABLE),
                Tuple.of(12, Kind.RATE_LIMITED),
                Tuple.of(10, Kind.PERMANENT),
                Tuple.of(8, Kind.HANG),
                Tuple.of(10, Kind.EXCEPTION));
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 1000)).as(Answer::new);
    }
}
