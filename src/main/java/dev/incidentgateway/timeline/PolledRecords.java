package dev.incidentgateway.timeline;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Polled records that break {@link EventLimits} are skipped, not retried: a poller's watermark moves past
 * them with the valid ones, since the vendor would hand back the same record on every poll forever. Each
 * skip is logged (field and reason only, never the payload) and counted in
 * {@code gateway.poll.invalid_records{poller,field}}.
 */
final class PolledRecords {
    private static final Logger LOG = LoggerFactory.getLogger(PolledRecords.class);

    private PolledRecords() {
    }

    /** @return one outcome per event, in order: REFUSED for an invalid one, else what {@code append} answered */
    static List<AppendOutcome> appendValid(List<NewEvent> events, Function<List<NewEvent>, List<AppendOutcome>> append,
                                           MeterRegistry meters) {
        List<NewEvent> valid = new ArrayList<>(events.size());
        boolean[] invalid = new boolean[events.size()];
        for (int i = 0; i < events.size(); i++) {
            NewEvent e = events.get(i);
            try {
                EventLimits.check(e);
                valid.add(e);
            } catch (InvalidEventException bad) {
                invalid[i] = true;
                meters.counter("gateway.poll.invalid_records", "poller", e.principal(), "field", bad.field()).increment();
                LOG.warn("{}: skipped a polled {} for incident {}: {}", e.principal(), e.type().wireName(),
                        e.incidentId() == null || EventLimits.badCharacter(e.incidentId()) != null
                                || e.incidentId().length() > EventLimits.INCIDENT_ID ? "(unreadable id)" : e.incidentId(),
                        bad.getMessage());
            }
        }
        List<AppendOutcome> stored = append.apply(valid);
        List<AppendOutcome> outcomes = new ArrayList<>(events.size());
        int next = 0;
        for (int i = 0; i < events.size(); i++) {
            outcomes.add(invalid[i] ? new AppendOutcome(AppendOutcome.Kind.REFUSED, null, null) : stored.get(next++));
        }
        return outcomes;
    }
}
