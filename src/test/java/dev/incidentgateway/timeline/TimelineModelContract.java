package dev.incidentgateway.timeline;

import dev.incidentgateway.Gateway;
import dev.incidentgateway.testsupport.TestStore;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stateful, model-based property of the timeline, on each kind of store: random chains of appends (declares with and
 * without id, every event type, reopens, expectedSeq right and wrong, idempotency ids sent again with the same or
 * another body, alerts by correlation key, batches with a refused item, requests sent at once from several threads)
 * against a store the gateway wires itself ({@link Gateway#create}: its listeners, the outbox with the Slack and Jira
 * sinks on), each answer checked against {@link TimelineReferenceModel} and the {@link TimelineModelInvariants} after
 * every step.
 *
 * <p>Bounded for {@code mvn verify} ({@value #TRIES} chains of up to {@value #STEPS} steps); a longer run with
 * {@code -Dtimeline.model.tries=<n> -Dtimeline.model.steps=<n>}. Chains and steps run are written to
 * {@code target/timeline-model-summary-<store>.txt}.
 */
abstract class TimelineModelContract {
    static final int TRIES = 12;
    static final int STEPS = 25;
    /** The sinks turned on (their calls would fail: the gateway is built, never started, so nothing delivers). */
    private static final Map<String, String> SINKS = Map.of("SLACK_BOT_TOKEN", "xoxb-model", "SLACK_CHANNEL", "C0MODEL",
            "SLACK_API_URL", "http://127.0.0.1:9", "JIRA_URL", "http://127.0.0.1:9", "JIRA_EMAIL", "model@example.test",
            "JIRA_API_TOKEN", "model", "JIRA_PROJECT", "OPS");
    private static final Map<TestStore.Kind, Opened> OPENED = new EnumMap<>(TestStore.Kind.class);
    private static final Map<TestStore.Kind, long[]> RAN = new EnumMap<>(TestStore.Kind.class);

    private record Opened(TestStore store, Gateway gateway) {
    }

    abstract TestStore.Kind kind();

    private Opened opened() {
        synchronized (OPENED) {
            return OPENED.computeIfAbsent(kind(), kind -> {
                TestStore store = TestStore.create(kind);
                try {
                    return new Opened(store, Gateway.create(store.config(SINKS)));
                } catch (RuntimeException e) {
                    store.close();
                    throw e;
                }
            });
        }
    }

    @AfterContainer
    static void close() throws java.io.IOException {
        synchronized (OPENED) {
            for (Map.Entry<TestStore.Kind, Opened> e : OPENED.entrySet()) {
                try {
                    e.getValue().gateway().close();
                } finally {
                    e.getValue().store().close();
                }
                long[] ran = RAN.getOrDefault(e.getKey(), new long[2]);
                String store = e.getKey().name().toLowerCase(Locale.ROOT);
                Files.writeString(Path.of("target", "timeline-model-summary-" + store + ".txt"),
                        String.format(Locale.ROOT, "timeline model store=%s chains=%d steps=%d%n", store, ran[0], ran[1])
                                + TimelineModelRun.SEEN.entrySet().stream().map(s -> "  " + s.getKey() + ": " + s.getValue() + "\n")
                                .collect(java.util.stream.Collectors.joining()));
            }
            OPENED.clear();
            RAN.clear();
            TimelineModelRun.SEEN.clear();
        }
    }

    @Property(tries = TRIES)
    @AddLifecycleHook(LongerRun.class)
    void theStoreAnswersAsTheModelPredicts(@ForAll("chains") ActionChain<TimelineModelRun> chain) {
        Opened opened = opened();
        TimelineModelInvariants invariants = new TimelineModelInvariants(opened.gateway().store(), opened.store().chainKey());
        TimelineModelRun run = chain.withInvariant("the store agrees with the model", invariants::afterStep).run();
        invariants.afterRun();
        synchronized (OPENED) {
            long[] ran = RAN.computeIfAbsent(kind(), k -> new long[2]);
            ran[0]++;
            ran[1] += run.actions;
        }
    }

    @Provide
    Arbitrary<ActionChain<TimelineModelRun>> chains() {
        Action.Independent<TimelineModelRun> step = () -> TimelineModelSteps.steps()
                .map(s -> Transformer.mutate(s.toString(), (TimelineModelRun run) -> run.perform(s)));
        return ActionChain.startWith(() -> new TimelineModelRun(opened().gateway().store()))
                .withAction(step)
                .withMaxTransformations(Integer.getInteger("timeline.model.steps", STEPS));
    }

    /** {@code -Dtimeline.model.tries=<n>}: that many chains instead of {@value #TRIES}, for a longer run by hand. */
    static final class LongerRun implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            Integer tries = Integer.getInteger("timeline.model.tries");
            if (tries != null) {
                context.attributes().setTries(tries);
            }
            return property.execute();
        }
    }
}
