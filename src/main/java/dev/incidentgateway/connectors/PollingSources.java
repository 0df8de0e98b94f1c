package dev.incidentgateway.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.connectors.jira.JiraPoller;
import dev.incidentgateway.connectors.servicenow.ServiceNowPoller;
import dev.incidentgateway.ingest.poll.PollingSource;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.connectors.http.SinkHttpClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The ITSM systems this build can poll; each is on when its credentials are set and its interval is not 0. */
public final class PollingSources {
    private PollingSources() {
    }

    public static List<PollingSource> create(Map<String, JsonNode> descriptors, Map<String, String> env, SinkHttpClient http,
                                             ExternalRefs refs) {
        List<PollingSource> sources = new ArrayList<>();
        ServiceNowPoller serviceNow = ServiceNowPoller.create(descriptors.get("servicenow"), env, http, refs);
        if (serviceNow != null) {
            sources.add(serviceNow);
        }
        JiraPoller jira = JiraPoller.create(descriptors.get("jira"), env, http, refs);
        if (jira != null) {
            sources.add(jira);
        }
        return sources;
    }
}
