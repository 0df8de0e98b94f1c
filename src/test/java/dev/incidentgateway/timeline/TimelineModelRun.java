package dev.incidentgateway.timeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.timeline.TimelineModelSteps.EventSpec;
import dev.incidentgateway.timeline.TimelineModelSteps.Seq;
import dev.incidentgateway.timeline.TimelineModelSteps.Step;
import dev.incidentgateway.timeline.TimelineModelSteps.Submission;
import dev.incidentgateway.timeline.TimelineReferenceModel.Prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One action chain's run: its own names (incident ids, idempotency ids and alert keys under a prefix of its own, so runs
 * on the one store do not meet), the reference model, and what it sent. {@link #perform} sends a step to the store and
 * checks every answer against the model's prediction; for requests sent at once, against one of their serializations.
 */
final class TimelineModelRun {
    private static final AtomicLong RUNS = new AtomicLong();

    final TimelineStore store;
    final TimelineReferenceModel model = new TimelineReferenceModel();
    /** The newest event id before this run: its Since feed starts after it. */
    final String feedMark;
    final String prefix;
    private final List<Submitted> sentWithIds = new ArrayList<>();
    private int nextIncident;
    private int nextCe;
    /** Role assignments so far: every other one names a new commander (the view shows it). */
    private int roles;
    int actions;

    /** A request as sent, for a later resend. */
    private record Submitted(List<NewEvent> events, AppendMode mode) {
    }

    TimelineModelRun(TimelineStore store) {
        this.store = store;
        this.feedMark = store.newestEventId().orElse(null);
        this.prefix = "M" + Long.toString(RUNS.incrementAndGet(), 36).toUpperCase(Locale.ROOT);
    }

    String key(int k) {
        return "model:" + prefix + ":" + k;
    }

    void perform(Step step) {
        actions++;
        if (step.resend() >= 0) {
            resend(step);
        } else if (!step.concurrent()) {
            for (Submission s : step.submissions()) {
                List<NewEvent> request = s.events().stream().map(this::event).toList();
                remember(request, s.mode());
                check(List.of(request), List.of(s.mode()), List.of(send(request, s.mode())), step);
            }
        } else {
            List<List<NewEvent>> requests = step.submissions().stream().map(s -> s.events().stream().map(this::event).toList()).toList();
            List<AppendMode> modes = step.submissions().stream().map(Submission::mode).toList();
            for (int i = 0; i < requests.size(); i++) {
                remember(requests.get(i), modes.get(i));
            }
            check(requests, modes, sendAtOnce(requests, modes), step);
        }
    }

    /** The same idempotency ids again: the same body, or another one (a note on the run's first incident). */
    private void resend(Step step) {
        if (sentWithIds.isEmpty()) {
            return;
        }
        Submitted earlier = sentWithIds.get(step.resend() % sentWithIds.size());
        List<NewEvent> request = earlier.events();
        if (step.altered()) {
            String target = model.incidents.isEmpty() ? prefix + "-999999" : model.incidents.keySet().iterator().next();
            request = request.stream().map(e -> NewEvent.builder(EventType.NOTE, "someone else").incident(target)
                    .content("another body").principal(e.principal()).ceSource(e.ceSource()).ceId(e.ceId()).build()).toList();
        }
        check(List.of(request), List.of(earlier.mode()), List.of(send(request, earlier.mode())), step);
    }

    private void remember(List<NewEvent> request, AppendMode mode) {
        if (request.stream().anyMatch(e -> e.ceId() != null)) {
            sentWithIds.add(new Submitted(request, mode));
        }
    }

    /** The step's symbolic event made real against the model as it is now. */
    NewEvent event(EventSpec s) {
        List<String> known = List.copyOf(model.incidents.keySet());
        String incident = switch (s.target()) {
            case TimelineModelSteps.NEW_ID -> prefix + "-" + (++nextIncident);
            case TimelineModelSteps.NO_ID -> null;
            case TimelineModelSteps.UNKNOWN -> prefix + "-999999";
            default -> known.isEmpty() ? prefix + "-999999" : known.get(s.target() % known.size());
        };
        NewEvent.Builder b = NewEvent.builder(s.type(), "model").incident(incident)
                .principal(TimelineModelSteps.PRINCIPALS.get(s.principal())).ceSource("urn:model");
        if (s.key() != null) {
            b.correlationKey(key(s.key())).source("/webhooks/alertmanager");
        }
        if (s.ceId()) {
            b.ceId(prefix + "-ce-" + (++nextCe));
        }
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        switch (s.type()) {
            case DECLARE -> b.title("model incident").severity(s.severity());
            case NOTE -> b.content(s.blank() ? " " : "a note");
            case ROLE_ASSIGN -> b.data(data.put("role", ++roles % 2 == 0 ? "commander" : "scribe").put("assignee", "carol" + roles));
            case STATE_CHANGE -> {
                if (s.to() != null) {
                    data.put("to", s.to().wireName());
                }
                if (s.severity() != null) {
                    data.put("severity", s.severity().wireName());
                }
                b.data(data.put("reason", "model"));
            }
            default -> b.content(s.type().wireName() + " by the model");
        }
        if (s.seq() != Seq.NONE && incident != null) {
            TimelineReferenceModel.Inc inc = model.incidents.get(incident);
            long last = inc == null ? 0 : inc.seq;
            b.expectedSeq(s.seq() == Seq.RIGHT ? last : last + 1);
        }
        return b.build();
    }

    /** The store's answer to one request: its outcomes ({@code null} when refused whole) and their comparable form. */
    private record Answer(List<AppendOutcome> outcomes, Prediction shape) {
    }

    private Answer send(List<NewEvent> request, AppendMode mode) {
        try {
            List<AppendOutcome> outcomes = mode == AppendMode.ALL_OR_NOTHING ? store.appendAll(request)
                    : store.appendAllAsync(request, mode).join();
            return new Answer(outcomes, Prediction.of(outcomes));
        } catch (AppendRejectedException refused) {
            return new Answer(null, Prediction.refused(refused));
        } catch (CompletionException e) {
            if (e.getCause() instanceof AppendRejectedException refused) {
                return new Answer(null, Prediction.refused(refused));
            }
            throw e;
        }
    }

    /** Each request from a thread of its own, released together; the answers in request order. */
    private List<Answer> sendAtOnce(List<List<NewEvent>> requests, List<AppendMode> modes) {
        CyclicBarrier start = new CyclicBarrier(requests.size());
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            int n = i;
            CompletableFuture<Answer> answer = new CompletableFuture<>();
            answers.add(answer);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    answer.complete(send(requests.get(n), modes.get(n)));
                } catch (Throwable e) {
                    answer.completeExceptionally(e);
                }
            }, "model-append-" + n);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    /**
     * The answers must be the model's for the requests in some order (one order for requests sent one at a time); the
     * model then takes the first such order. New incidents' ids are the store's ({@code INC-<n>} is reserved per group).
     */
    private void check(List<List<NewEvent>> requests, List<AppendMode> modes, List<Answer> answers, Step step) {
        List<Prediction> actual = answers.stream().map(Answer::shape).toList();
        List<String> tried = new ArrayList<>();
        for (List<Integer> order : orders(requests.size())) {
            TimelineReferenceModel attempt = model.copy();
            List<Prediction> predicted = new ArrayList<>(java.util.Collections.nCopies(requests.size(), (Prediction) null));
            for (int i : order) {
                Prediction answer = actual.get(i);
                predicted.set(i, attempt.apply(requests.get(i), modes.get(i), at -> generatedId(answer, at)));
            }
            if (predicted.equals(actual)) {
                adopt(attempt, answers);
                count(step, actual);
                return;
            }
            tried.add((requests.size() == 1 ? "" : "order " + order + ": ") + predicted);
        }
        org.assertj.core.api.Assertions.fail("run %s, step %s (%s): the store answered %s; the model %s", prefix, actions, step,
                actual, String.join(" or ", tried));
    }

    /** How often each answer came, over every run of the JVM: what the chains exercised (the contract writes it out). */
    static final java.util.concurrent.ConcurrentSkipListMap<String, AtomicLong> SEEN = new java.util.concurrent.ConcurrentSkipListMap<>();

    private static void count(Step step, List<Prediction> actual) {
        String kind = step.resend() >= 0 ? "resend" : step.concurrent() ? "at-once-" + actual.size()
                : step.submissions().get(0).events().size() > 1 ? "batch-" + step.submissions().get(0).mode() : "single";
        SEEN.computeIfAbsent("step " + kind, k -> new AtomicLong()).incrementAndGet();
        for (Prediction p : actual) {
            if (p.refusal() != null) {
                SEEN.computeIfAbsent("refused whole " + p.refusal(), k -> new AtomicLong()).incrementAndGet();
            } else {
                p.outcomes().forEach(o -> SEEN.computeIfAbsent("outcome " + o.kind() + (o.kind() == AppendOutcome.Kind.CORRELATED
                        && o.seq() != null ? " escalated" : ""), k -> new AtomicLong()).incrementAndGet());
            }
        }
    }

    /** Every order of {@code n} requests (at most 4: 24 orders). */
    static List<List<Integer>> orders(int n) {
        if (n == 0) {
            return List.of(List.of());
        }
        List<List<Integer>> out = new ArrayList<>();
        for (List<Integer> shorter : orders(n - 1)) {
            for (int at = 0; at <= shorter.size(); at++) {
                List<Integer> o = new ArrayList<>(shorter);
                o.add(at, n - 1);
                out.add(o);
            }
        }
        return out;
    }

    private static String generatedId(Prediction answer, int at) {
        if (answer.outcomes() == null || answer.outcomes().get(at).incidentId() == null) {
            return "INC-0"; // the store refused the request: the model's answer is compared, not its ids
        }
        return answer.outcomes().get(at).incidentId();
    }

    /** Takes the model of the matching order, and the ids of the events it expects from the store's answers. */
    private void adopt(TimelineReferenceModel matched, List<Answer> answers) {
        for (String id : matched.incidents.keySet()) {
            if (!model.incidents.containsKey(id) && !id.startsWith(prefix + "-")) {
                assertThat(id).as("a generated incident id").matches("INC-\\d+");
            }
        }
        model.adopt(matched);
        for (Answer a : answers) {
            for (AppendOutcome o : a.outcomes() == null ? List.<AppendOutcome>of() : a.outcomes()) {
                if (o.event() != null && o.kind() != AppendOutcome.Kind.DUPLICATE) {
                    model.incidents.get(o.event().incidentId()).log.get((int) o.event().seq() - 1).id = o.event().id();
                }
            }
        }
    }
}
