package dev.incidentgateway.stream;

import dev.incidentgateway.timeline.EventType;

import java.util.Set;

/**
 * Which events one stream wants: of one incident ({@code ?incident=}) and/or of some types ({@code ?types=}).
 *
 * @param incidentId null: every incident
 * @param types      empty: every type
 */
record StreamFilter(String incidentId, Set<EventType> types) {
    boolean accepts(String eventIncident, EventType type) {
        return (incidentId == null || incidentId.equals(eventIncident)) && (types.isEmpty() || types.contains(type));
    }
}
