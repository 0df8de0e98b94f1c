package dev.incidentgateway.sla;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.incidentgateway.camel.TimelineHeaders;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.NewEvent;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The SLA tracker: finds warnings and breaches that are due and not yet recorded, as {@code note} events for
 * {@code timeline:append} (driven by {@code routes/sla-tracker.camel.yaml} on a timer).
 *
 * <p>Nothing is held in memory between scans: each scan recomputes every clock from the store with
 * {@link SlaCalculator}, so a restart loses nothing and a breach that fell due while the gateway was down is found
 * on the first scan. Each note carries a deterministic idempotency id ({@code sla:<incident>:<target>:<kind>} under
 * principal {@value #PRINCIPAL}); the append takes a global lock and skips an id it has stored, so two trackers
 * (instances) that find the same breach at once, or one whose clock went back and forth, record it exactly once.
 */
public final class SlaTracker {
    public static final String BEAN = "slaTracker";
    public static final String PRINCIPAL = "system:sla";
    public static final String CE_SOURCE = "/sla";
    public static final String WARNING = "sla_warning";
    public static final String BREACH = "sla_breach";
    private static final Logger LOG = LoggerFactory.getLogger(SlaTracker.class);

    private final SlaIncidents incidents;
    private final SlaTimelines timelines;
    private final SlaPolicies policies;
    private final Clock clock;
    private final MeterRegistry meters;
    private final String policyFingerprint;
    /**
     * Above this many changed incidents a scan walks every incident instead (bounds the candidate set held in memory:
     * ~100 bytes an id, so ~20 MB at this size). Walking everything is the dearer path (it visits the settled incidents
     * too and reads the new ones' timelines again), so the bound is set well above what a burst brings in one scan
     * interval: at 50,000 (before 2026-12-01) sustained webhook ingest of 4k alerts/s made every 30 s scan a full walk.
     */
    static final int FULL_SCAN_ABOVE = 200_000;
    /**
     * The newest event id before the last complete scan; {@code null} before the first scan, which walks every incident
     * not settled (also after a restart with other policies). Only the timer route's thread scans.
     */
    private String watermark;
    /** Where the new incidents left out of a scan are picked up again (only the timer route's thread scans). */
    private final SlaDeclareCursor declared;
    /** The incidents that had notes due in the last scan: looked at again in case their append failed. */
    private Set<String> again = Set.of();
    /** What {@link #recorded} counted since the last {@link #scanned}: only the timer route's thread calls either. */
    private int breachesSinceSummary;
    private int warningsSinceSummary;
    private String firstSinceSummary;

    private final TimelineStore store;

    public SlaTracker(TimelineStore store, SlaPolicies policies, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.incidents = new SlaIncidents(store);
        this.timelines = new SlaTimelines(store);
        this.policies = policies;
        this.clock = clock;
        this.meters = meters;
        this.policyFingerprint = policies.fingerprint();
        this.declared = new SlaDeclareCursor(policies, incidents);
        // Each target of each severity's policy at 0 from the start: increase(gateway_sla_breaches_total[…]) then sees the
        // first breach, which a series born at 1 does not show. The labels are the policy's, never an incident's.
        policies.bySeverity().forEach((severity, policy) -> policy.goals().keySet().forEach(target -> {
            meters.counter("gateway.sla.breaches", "target", target.wireName(), "severity", severity.wireName());
            meters.counter("gateway.sla.warnings", "target", target.wireName(), "severity", severity.wireName());
        }));
    }

    /**
     * For the route's error handler: true while the store's health probe knows it is down (counted as a retry), so a
     * skipped scan logs at DEBUG: the outage itself is logged once (StoreOutage).
     */
    public boolean duringKnownOutage() {
        return store.outage().retried();
    }

    /**
     * Every warning and breach due now and not yet in the store, as notes to append (a warning only while its clock is not
     * breached: a breach found with its warning unrecorded is recorded alone).
     * Scans the incidents not yet settled a bounded page at a time: open ones, and resolved or closed ones however
     * long ago (a gateway that was down for a week still records what fell due meanwhile). A resolved or closed
     * incident with nothing left to record is marked settled and not read again until its next event; an open one with
     * its notes stored is settled until its next note can fall due. After the first scan, a scan reads only the incidents
     * with events since the last one, those whose moment has come and those that had notes due last time (issue 13:
     * flat at 100k open incidents); of the first, a new incident on which no note can be due yet is left to the
     * {@link SlaDeclareCursor}, which brings it back when its first note can be due (issue 13, ingest CPU).
     */
    public synchronized List<NewEvent> dueNotes() {
        Instant now = clock.instant();
        String newest = incidents.newestEventId(); // before the scan: what commits meanwhile is above it, seen next time
        Instant declaredUpTo = declared.target(now);
        List<NewEvent> due = new ArrayList<>();
        Set<String> candidates = null;
        Map<String, SlaTimelines.Timeline> known = Map.of();
        if (watermark != null) {
            SlaTimelines.Since since = timelines.since(watermark);
            candidates = new TreeSet<>(since.incidents());
            known = since.complete();
            for (Map.Entry<String, SlaTimelines.Timeline> e : known.entrySet()) {
                if (declared.waits(e.getValue(), declaredUpTo)) {
                    candidates.remove(e.getKey()); // unless due for another reason, added below
                }
            }
            candidates.addAll(incidents.recheckDue(now));
            candidates.addAll(again);
            candidates.addAll(declared.reached(declaredUpTo));
        }
        if (candidates == null || candidates.size() > FULL_SCAN_ABOVE) {
            String after = "";
            SlaIncidents.Walk step;
            while ((step = incidents.unsettled(after, now, policyFingerprint)).lastId() != null) {
                look(step.candidates(), now, due, Map.of());
                after = step.lastId();
            }
        } else {
            List<String> ids = new ArrayList<>(candidates);
            for (int i = 0; i < ids.size(); i += SlaIncidents.PAGE) {
                look(incidents.unsettledAmong(ids.subList(i, Math.min(ids.size(), i + SlaIncidents.PAGE)), now, policyFingerprint),
                        now, due, known);
            }
        }
        watermark = newest;
        declared.moveTo(declaredUpTo);
        again = due.stream().map(NewEvent::incidentId).collect(Collectors.toSet());
        return due;
    }

    /**
     * Computes the clocks of a page of incidents, adds the notes due to {@code due} and settles the others. The page's
     * timelines come from one statement ({@link SlaTimelines#of}), not one query per incident, except those {@code known}
     * from the events since the last scan.
     */
    private void look(List<SlaIncidents.Candidate> page, Instant now, List<NewEvent> due, Map<String, SlaTimelines.Timeline> known) {
        Map<String, SlaTimelines.Timeline> byIncident = timelines.of(page.stream()
                .filter(i -> policies.of(i.severity()).isPresent() && !isKnown(i, known))
                .collect(Collectors.toMap(SlaIncidents.Candidate::id, SlaIncidents.Candidate::lastSeq, (a, b) -> a)));
        List<SlaIncidents.Mark> settled = new ArrayList<>();
        for (SlaIncidents.Candidate incident : page) {
            int before = due.size();
            Instant next = SlaIncidents.FOREVER; // without clocks nothing falls due before the next event
            Optional<SlaPolicy> policy = policies.of(incident.severity());
            if (policy.isPresent()) {
                SlaTimelines.Timeline timeline = isKnown(incident, known) ? known.get(incident.id())
                        : byIncident.getOrDefault(incident.id(), new SlaTimelines.Timeline());
                for (SlaClock c : SlaCalculator.clocks(policy.get(), timeline.clockEvents(), now)) {
                    // A clock already breached when first seen (a late alert, a gateway that was down) gets its breach
                    // alone: its warning is moot, and since a breached clock stays breached no later scan adds it.
                    if (c.warningReached() && !c.breached()) {
                        addIfNew(due, timeline.recordedNotes(), incident, c, WARNING);
                    }
                    if (c.breached()) {
                        addIfNew(due, timeline.recordedNotes(), incident, c, BREACH);
                    }
                    next = earlier(next, nextMoment(c, now));
                }
            }
            if (due.size() == before && stopped(incident.status()) && next.equals(SlaIncidents.FOREVER)) {
                // Every clock has stopped and its notes are stored: nothing can fall due until another event.
                settled.add(new SlaIncidents.Mark(incident.id(), incident.lastSeq(), null, null, incident.marked()));
            } else if (due.size() == before) {
                // Open, every note due so far stored: the next one cannot fall due before `next` unless an event
                // changes the clocks (which moves last_seq), so the scans skip it until then (issue 13: at 100k open
                // incidents, reading each one's timeline on every scan was more than a core's worth of work).
                settled.add(new SlaIncidents.Mark(incident.id(), incident.lastSeq(), next, policyFingerprint, incident.marked()));
            }
        }
        incidents.settleAll(settled, now);
    }

    /**
     * Whether the scan read the incident's whole timeline with the events since the last scan, up to the event the
     * incident's row was read at (an event committed in between is not in it: then the timeline is read again).
     */
    private static boolean isKnown(SlaIncidents.Candidate incident, Map<String, SlaTimelines.Timeline> known) {
        SlaTimelines.Timeline timeline = known.get(incident.id());
        return timeline != null && timeline.lastSeq() == incident.lastSeq();
    }

    /**
     * When a clock's next note falls due (its warning, then its breach); {@code null} when none can before the next
     * event (which moves last_seq). A stopped clock normally has none, but one stopped by an event whose time is still
     * ahead of {@code now} (the sender's clock runs ahead of ours) counts on until then, and its notes fall due if it
     * reaches them first: settling such an incident for good missed a breach its full timeline shows later.
     */
    private static Instant nextMoment(SlaClock c, Instant now) {
        Instant moment = !c.warningReached() ? c.warningAt() : !c.breached() ? c.dueAt() : null;
        if (moment == null || c.completedAt() == null) {
            return moment;
        }
        return c.completedAt().isAfter(now) && !moment.isAfter(c.completedAt()) ? moment : null;
    }

    private static Instant earlier(Instant a, Instant b) {
        return b == null || a.isBefore(b) ? a : b;
    }

    /** Resolved or closed: no clock runs (a reopen is a new event, which unsettles the incident). */
    private static boolean stopped(IncidentStatus status) {
        return status == IncidentStatus.RESOLVED || status == IncidentStatus.CLOSED;
    }

    /** The deterministic idempotency id of a note: one per incident, target and kind, whoever appends it. */
    public static String noteId(String incidentId, SlaTarget target, String kind) {
        return "sla:" + incidentId + ":" + target.wireName() + ":" + kind;
    }

    private static void addIfNew(List<NewEvent> due, Set<String> recorded, SlaIncidents.Candidate incident, SlaClock c, String kind) {
        String id = noteId(incident.id(), c.target(), kind);
        if (recorded.contains(id)) {
            return;
        }
        boolean breach = BREACH.equals(kind);
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("kind", kind);
        data.put("target", c.target().wireName());
        data.put("goal", c.goal().toString());
        data.put("dueAt", c.dueAt().toString());
        data.put("warningAt", c.warningAt().toString());
        data.put("severity", incident.severity().wireName());
        String content = (breach ? "SLA breached: " : "SLA at risk: ") + "time to " + c.target().wireName() + " ("
                + c.goal().toString().substring(2).toLowerCase(Locale.ROOT) + ") " + (breach ? "was due at " : "is due at ")
                + c.dueAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // for people: data.dueAt keeps the instant
        due.add(NewEvent.builder(EventType.NOTE, "sla").incident(incident.id()).content(content).data(data)
                .source(CE_SOURCE).ceSource(CE_SOURCE).ceId(id).principal(PRINCIPAL).build());
    }

    /** After {@code timeline:append} of one note: counts and logs it when this instance stored it (not a duplicate). */
    public void recorded(Exchange exchange) {
        if (Boolean.TRUE.equals(exchange.getMessage().getHeader(TimelineHeaders.DUPLICATE, Boolean.class))) {
            return;
        }
        TimelineEvent note = exchange.getMessage().getBody(TimelineEvent.class);
        if (note == null) {
            return;
        }
        String kind = note.data().path("kind").asText();
        String target = note.data().path("target").asText();
        meters.counter(BREACH.equals(kind) ? "gateway.sla.breaches" : "gateway.sla.warnings", "target", target,
                "severity", note.data().path("severity").asText()).increment();
        LOG.debug("{} {} of {} recorded", kind, target, note.incidentId());
        if (BREACH.equals(kind)) {
            breachesSinceSummary++;
        } else {
            warningsSinceSummary++;
        }
        if (firstSinceSummary == null) {
            firstSinceSummary = note.incidentId() + " time to " + target;
        }
    }

    /**
     * After a scan's notes: one INFO line for what it recorded (each note is at DEBUG). A load that breaches thousands
     * of incidents wrote one INFO line per note, nearly the whole log; the metrics still count each one. Notes of a scan
     * cut short by the store are summed into the next summary.
     */
    public void scanned() {
        if (breachesSinceSummary + warningsSinceSummary == 0) {
            return;
        }
        LOG.info("SLA: recorded {} breach{}, {} warning{} (first: {})", breachesSinceSummary, breachesSinceSummary == 1 ? "" : "es",
                warningsSinceSummary, warningsSinceSummary == 1 ? "" : "s", firstSinceSummary);
        breachesSinceSummary = 0;
        warningsSinceSummary = 0;
        firstSinceSummary = null;
    }
}
