package dev.incidentgateway.api;

import dev.incidentgateway.timeline.IncidentStatus;
import dev.incidentgateway.timeline.Severity;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The filters of {@code GET /api/v1/incidents}: {@code status} and {@code severity}, each one value or a comma list
 * ({@code status=declared,acknowledged}), and {@code status=open} for every status an incident is still worked in. An
 * empty set means no filter. A name that is none of the values is a 400 naming the parameter.
 */
final class IncidentListFilter {
    /** The statuses of an incident not yet resolved: what {@code status=open} lists. */
    static final Set<IncidentStatus> OPEN = EnumSet.of(IncidentStatus.DECLARED, IncidentStatus.ACKNOWLEDGED, IncidentStatus.MITIGATED);
    static final String OPEN_NAME = "open";

    private IncidentListFilter() {
    }

    static Set<IncidentStatus> statuses(String raw) {
        return parse("status", raw, IncidentStatus.class, IncidentStatus.values(), IncidentStatus::wireName,
                name -> OPEN_NAME.equals(name) ? Optional.of(OPEN) : IncidentStatus.fromWire(name).map(EnumSet::of), ", or open");
    }

    static Set<Severity> severities(String raw) {
        return parse("severity", raw, Severity.class, Severity.values(), Severity::wireName,
                name -> Severity.fromWire(name).map(EnumSet::of), "");
    }

    /** A value quoted back, cut short: a request line may hold 4 KiB of it. */
    private static String shown(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }

    private static <E extends Enum<E>> Set<E> parse(String parameter, String raw, Class<E> type, E[] values,
                                                    Function<E, String> wireName, Function<String, Optional<Set<E>>> lookup,
                                                    String alsoAccepted) {
        Set<E> out = EnumSet.noneOf(type);
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String name : raw.split(",", -1)) {
            Set<E> named = lookup.apply(name.strip()).orElseThrow(() -> ApiProblem.invalidField(parameter, parameter
                    + " must be one or a comma-separated list of " + Arrays.stream(values).map(wireName).collect(Collectors.joining(", "))
                    + alsoAccepted + "; '" + shown(name.strip()) + "' is not one"));
            out.addAll(named);
        }
        return out;
    }
}
