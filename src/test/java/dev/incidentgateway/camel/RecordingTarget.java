package dev.incidentgateway.camel;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A test's target: records what each exchange carried (headers and body), then throws what the test scripted for its incident. */
final class RecordingTarget implements Processor {
    private final Map<String, List<Map<String, Object>>> seen = new ConcurrentHashMap<>();
    private final Map<String, Exception> scripted = new ConcurrentHashMap<>();

    void script(String incidentId, Exception failure) {
        scripted.put(incidentId, failure);
    }

    List<Map<String, Object>> exchangesOf(String incidentId) {
        synchronized (seen) {
            return List.copyOf(seen.getOrDefault(incidentId, List.of()));
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Map<String, Object> copy = new HashMap<>(exchange.getMessage().getHeaders());
        copy.put("body", exchange.getMessage().getBody(String.class));
        String incident = exchange.getMessage().getHeader(TimelineHeaders.INCIDENT_ID, String.class);
        synchronized (seen) {
            seen.computeIfAbsent(incident, k -> new ArrayList<>()).add(copy);
        }
        Exception failure = scripted.get(incident);
        if (failure != null) {
            throw failure;
        }
    }
}
